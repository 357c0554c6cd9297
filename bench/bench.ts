// Prints the app's first-load JavaScript size and the time from navigation
// to the first code on screen with the network off. Run with `npm run bench`
// after `npm run build`; it starts its own server on loopback.
import { type ChildProcess, spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

import { chromium } from '@playwright/test';
import { CHROMIUM_ARGS, chromiumPath } from '../test/browser/chromium.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 15);
const DIST = join(import.meta.dirname, '..', '..', 'dist');
const SERVER = join(import.meta.dirname, '..', 'server', 'main.js');
const CHROMIUM = chromiumPath();

/** Lists the scripts `index.html` loads before any user action. */
async function firstLoadScripts(): Promise<string[]> {
  const html = await readFile(join(DIST, 'index.html'), 'utf8');
  const scripts = [...html.matchAll(/<script[^>]*\ssrc="([^"]+)"/g)];
  const preloads = [
    ...html.matchAll(/<link[^>]*rel="modulepreload"[^>]*href="([^"]+)"/g),
  ];
  return [...scripts, ...preloads].map((match) => match[1] ?? '');
}

async function printFirstLoadSize(): Promise<void> {
  let raw = 0;
  let gzip = 0;
  for (const path of await firstLoadScripts()) {
    const bytes = await readFile(join(DIST, path));
    raw += bytes.length;
    gzip += gzipSync(bytes, { level: 9 }).length;
  }
  console.log(
    `first-load JavaScript: ${(gzip / 1024).toFixed(1)} KiB gzip (${(raw / 1024).toFixed(1)} KiB raw)`,
  );
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() =>
        typeof address === 'object' && address !== null
          ? resolve(address.port)
          : reject(new Error('No port was assigned.')),
      );
    });
  });
}

async function startServer(port: number): Promise<ChildProcess> {
  const server = spawn(process.execPath, [SERVER], {
    env: { ...process.env, DEMO: '1', HOST: '127.0.0.1', PORT: String(port) },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/`)).ok) return server;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  server.kill();
  throw new Error(`The server did not start on port ${port} within 15 s.`);
}

async function post(url: string, body?: unknown): Promise<unknown> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body ?? {}),
  });
  if (!response.ok) throw new Error(`${url} returned ${response.status}.`);
  return response.json();
}

function percentile(sorted: readonly number[], fraction: number): number {
  const position = (sorted.length - 1) * fraction;
  const low = Math.floor(position);
  const high = Math.ceil(position);
  const lowValue = sorted[low] ?? 0;
  const highValue = sorted[high] ?? lowValue;
  return lowValue + (highValue - lowValue) * (position - low);
}

async function measureOfflineFirstCode(origin: string): Promise<number[]> {
  await post(`${origin}/admin/users`, { username: 'bench', pin: '1234' });
  const { activateUrl } = (await post(
    `${origin}/admin/users/bench/provision-code`,
  )) as { activateUrl: string };

  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: CHROMIUM_ARGS,
  });
  try {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(activateUrl);
    await page.getByRole('button', { name: 'Get Server Settings' }).click();
    await page.getByTestId('security-string').waitFor();
    await page.evaluate(async () => {
      await navigator.serviceWorker.ready;
    });
    await page.reload();
    await page.getByTestId('security-string').waitFor();
    await context.setOffline(true);

    const times: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      await page.goto(`${origin}/`);
      await page.getByTestId('security-string').waitFor();
      times.push(
        await page.evaluate(
          () => performance.getEntriesByName('first-code')[0]?.startTime ?? NaN,
        ),
      );
    }
    return times;
  } finally {
    await browser.close();
  }
}

async function main(): Promise<void> {
  await printFirstLoadSize();

  const port = await freePort();
  const server = await startServer(port);
  try {
    const times = await measureOfflineFirstCode(`http://127.0.0.1:${port}`);
    const sorted = [...times].sort((a, b) => a - b);
    const format = (value: number): string => `${value.toFixed(1)} ms`;
    console.log(
      `offline navigation to first code (${RUNS} runs): median ${format(percentile(sorted, 0.5))}, ` +
        `min ${format(sorted[0] ?? NaN)}, p90 ${format(percentile(sorted, 0.9))}, ` +
        `max ${format(sorted.at(-1) ?? NaN)}, IQR ${format(percentile(sorted, 0.75) - percentile(sorted, 0.25))}`,
    );
  } finally {
    server.kill('SIGTERM');
  }
}

await main();
