// Audits the built app with Lighthouse 12 (mobile preset, its default) in
// Debian's Chromium against the built-in server on loopback, prints the four
// category scores, and fails when accessibility or best practices are below
// 1.0 or performance is below 0.95. Run with `npm run lighthouse` after a build.
import { spawn } from 'node:child_process';

import * as chromeLauncher from 'chrome-launcher';
import lighthouse from 'lighthouse';

const PORT = Number(process.env.LIGHTHOUSE_PORT ?? 18086);
const ORIGIN = `http://127.0.0.1:${PORT}`;
const MINIMUM = { performance: 0.95, accessibility: 1, 'best-practices': 1 };
const CHROME_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

async function startServer() {
  const server = spawn(process.execPath, ['build/server/main.js'], {
    env: { ...process.env, DEMO: '1', HOST: '127.0.0.1', PORT: String(PORT) },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  for (let attempt = 0; attempt < 150; attempt++) {
    try {
      if ((await fetch(`${ORIGIN}/`)).ok) return server;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  server.kill();
  throw new Error(`The server did not start on port ${PORT} within 15 s.`);
}

const server = await startServer();
const chrome = await chromeLauncher.launch({
  chromePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  chromeFlags: CHROME_FLAGS,
});
let failed = false;
try {
  const result = await lighthouse(`${ORIGIN}/setup`, {
    port: chrome.port,
    output: 'json',
    logLevel: 'error',
    onlyCategories: ['performance', 'accessibility', 'best-practices', 'seo'],
  });
  const categories = result?.lhr.categories ?? {};
  for (const [id, category] of Object.entries(categories)) {
    const minimum = MINIMUM[id];
    const low = minimum !== undefined && (category.score ?? 0) < minimum;
    failed ||= low;
    console.log(
      `lighthouse ${id}: ${category.score}${low ? ` (below ${minimum})` : ''}`,
    );
    if (low) {
      for (const ref of category.auditRefs) {
        const audit = result.lhr.audits[ref.id];
        if (ref.weight > 0 && audit.score !== null && audit.score < 1) {
          console.log(`  ${ref.id}: ${audit.score} ${audit.title}`);
        }
      }
    }
  }
} finally {
  chrome.kill();
  server.kill('SIGTERM');
}
process.exit(failed ? 1 : 0);
