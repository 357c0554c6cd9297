import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { type BrowserContext, chromium, expect, test } from '@playwright/test';

import { CHROMIUM_ARGS, chromiumPath } from './chromium.js';
import { SITE_ID } from './swivel-server.js';

interface ParsedManifest {
  readonly url: string;
  readonly errors: readonly { message: string; critical: boolean }[];
  readonly data: string;
}

test('manifest has every member and no errors', async ({ page }) => {
  await page.goto('/');
  const session = await page.context().newCDPSession(page);

  const manifest = (await session.send(
    'Page.getAppManifest',
  )) as unknown as ParsedManifest;
  const data = JSON.parse(manifest.data) as Record<string, unknown>;

  expect(manifest.errors).toEqual([]);
  for (const member of [
    'id',
    'scope',
    'start_url',
    'display',
    'theme_color',
    'background_color',
    'icons',
    'shortcuts',
    'protocol_handlers',
    'launch_handler',
    'share_target',
  ]) {
    expect(data, `manifest member ${member}`).toHaveProperty(member);
  }
  expect(data.display).toBe('standalone');
  const icons = data.icons as { sizes: string; purpose?: string }[];
  expect(icons.map((icon) => icon.sizes)).toEqual(
    expect.arrayContaining(['192x192', '512x512']),
  );
  expect(icons.some((icon) => icon.purpose === 'maskable')).toBe(true);
  expect(data.protocol_handlers).toEqual([
    { protocol: 'web+swivel', url: '/activate?link=%s' },
  ]);
});

/**
 * Runs `use` in a persistent Chromium profile, which installability and
 * protocol handlers need: the default context is incognito.
 */
async function withProfile(
  use: (context: BrowserContext) => Promise<void>,
): Promise<void> {
  const profile = mkdtempSync(join(tmpdir(), 'swivel-profile-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath(),
    args: CHROMIUM_ARGS,
  });
  try {
    await use(context);
  } finally {
    await context.close();
    rmSync(profile, { recursive: true, force: true });
  }
}

test('app is installable in a profile', async ({ baseURL }) => {
  await withProfile(async (context) => {
    const page = await context.newPage();
    await page.goto(`${baseURL}/`);
    await page.evaluate(() => navigator.serviceWorker.ready);
    const session = await context.newCDPSession(page);

    const { installabilityErrors } = (await session.send(
      'Page.getInstallabilityErrors',
    )) as { installabilityErrors: unknown[] };

    expect(installabilityErrors).toEqual([]);
    await expect(
      page.getByRole('button', { name: 'Install app' }),
    ).toBeVisible();
  });
});

test('web+swivel link reaches the link screen', async ({ baseURL }) => {
  await withProfile(async (context) => {
    const page = await context.newPage();
    await page.goto(`${baseURL}/`);
    const session = await context.newCDPSession(page);
    await session.send('Page.setRPHRegistrationMode', { mode: 'autoAccept' });
    await page.evaluate(() =>
      navigator.registerProtocolHandler('web+swivel', '/activate?link=%s'),
    );

    await page.goto(`web+swivel://smc/complete/${SITE_ID}/alice/1234567890`);

    await expect(page.getByTestId('link-site-id')).toHaveText(SITE_ID);
    await expect(page.getByTestId('link-username')).toHaveText('alice');
    expect(new URL(page.url()).pathname).toBe('/activate');
  });
});
