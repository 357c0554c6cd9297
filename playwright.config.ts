import { defineConfig } from '@playwright/test';

import { CHROMIUM_ARGS, chromiumPath } from './test/browser/chromium.js';

/** Port of the built-in server that the browser tests start. */
const port = Number(process.env.TEST_PORT ?? 18080);

export default defineConfig({
  testDir: 'test/browser',
  timeout: 30_000,
  fullyParallel: false,
  workers: 1,
  forbidOnly: Boolean(process.env.CI),
  outputDir: 'test-results/browser',
  reporter: [['list'], ['json', { outputFile: 'test-results/browser.json' }]],
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    launchOptions: {
      executablePath: chromiumPath(),
      args: CHROMIUM_ARGS,
    },
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
  },
  projects: [{ name: 'chromium', use: { browserName: 'chromium' } }],
  webServer: {
    command: 'node build/server/main.js',
    url: `http://127.0.0.1:${port}/`,
    reuseExistingServer: false,
    timeout: 20_000,
    stdout: 'ignore',
    stderr: 'pipe',
    env: {
      DEMO: '1',
      HOST: '127.0.0.1',
      PORT: String(port),
      SITE_ID: 'TESTSITE',
      AGENT_SECRET: 'browser-test-secret',
      POLICIES: 'AllowUserPIN,AllowStringBrowsing',
    },
  },
});
