import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { expect, test } from '@playwright/test';

import {
  createUser,
  issueCode,
  readShownString,
  waitForServiceWorker,
} from './swivel-server.js';

/** Port of the servers this test starts, apart from the shared test server. */
const PORT = Number(process.env.TEST_UPDATE_PORT ?? 18087);
const ORIGIN = `http://127.0.0.1:${PORT}`;

let folder: string;
let server: ChildProcess | null = null;

/** Starts the built-in server on PORT, serving the app from `staticDir`. */
async function startServer(staticDir: string): Promise<void> {
  server = spawn(process.execPath, ['build/server/main.js'], {
    env: {
      ...process.env,
      DEMO: '1',
      HOST: '127.0.0.1',
      PORT: String(PORT),
      STATIC_DIR: staticDir,
    },
    stdio: 'ignore',
  });
  await expect
    .poll(
      async () => {
        try {
          return (await fetch(`${ORIGIN}/`)).status;
        } catch {
          return 0;
        }
      },
      { timeout: 15_000 },
    )
    .toBe(200);
}

async function stopServer(): Promise<void> {
  const running = server;
  server = null;
  if (running === null || running.exitCode !== null) return;
  await new Promise<void>((resolve) => {
    // The server exits within its own grace period; SIGKILL is the backstop.
    const kill = setTimeout(() => running.kill('SIGKILL'), 8000);
    running.once('exit', () => {
      clearTimeout(kill);
      resolve();
    });
    running.kill('SIGTERM');
  });
}

test.beforeAll(() => {
  folder = mkdtempSync(join(tmpdir(), 'swivel-update-'));
  cpSync('dist', join(folder, 'first'), { recursive: true });
  execFileSync(
    process.execPath,
    [
      'node_modules/vite/bin/vite.js',
      'build',
      '--outDir',
      join(folder, 'second'),
      '--emptyOutDir',
      '--logLevel',
      'error',
    ],
    { env: { ...process.env, BUILD_ID: 'second-build' }, stdio: 'pipe' },
  );
});

test.afterEach(async () => {
  await stopServer();
});

test.afterAll(() => {
  rmSync(folder, { recursive: true, force: true });
});

test('update reloads once and keeps code', async ({ page, playwright }) => {
  test.setTimeout(60_000);
  await startServer(join(folder, 'first'));
  const request = await playwright.request.newContext({ baseURL: ORIGIN });
  const user = await createUser(request);
  const { activateUrl } = await issueCode(request, user.username);
  await page.goto(activateUrl);
  await page.getByRole('button', { name: 'Get Server Settings' }).click();
  await expect(page.getByText('Device Provisioned')).toBeVisible();
  await waitForServiceWorker(page);
  const before = await readShownString(page);
  const firstVersion = await page.getByTestId('app-version').textContent();
  await request.dispose();

  // The second build is served from the same origin, so the vault is the same.
  await stopServer();
  await startServer(join(folder, 'second'));
  await page.evaluate(async () => {
    const registration = await navigator.serviceWorker.getRegistration();
    await registration?.update();
  });
  let loads = 0;
  page.on('load', () => (loads += 1));
  const reloaded = page.waitForEvent('load');
  await page.getByRole('button', { name: 'Reload to update' }).click();
  await reloaded;
  await page.waitForTimeout(1000);

  expect(loads).toBe(1);
  await expect(page.getByTestId('app-version')).toHaveText(/\+second-build$/);
  expect(firstVersion).not.toMatch(/second-build/);
  expect(await readShownString(page)).toEqual(before);
});
