import { mkdir } from 'node:fs/promises';

import { expect, type Page, test } from '@playwright/test';

import { createUser, issueCode, SITE_ID } from './swivel-server.js';

/**
 * Walks through every screen at a phone's size and saves a screenshot of
 * each. With `SCREENSHOT_DIR` set (as `npm run screenshots` does) the images
 * go there; otherwise into the test's output folder.
 */
const PHONE = { width: 390, height: 844 };

async function capture(page: Page, name: string): Promise<void> {
  const folder = process.env.SCREENSHOT_DIR ?? test.info().outputDir;
  await mkdir(folder, { recursive: true });
  await page.screenshot({ path: `${folder}/${name}.png`, fullPage: true });
}

test.use({ viewport: PHONE });

test('every screen renders', async ({ page, request }) => {
  const user = await createUser(request);
  const { activateUrl } = await issueCode(request, user.username);

  await page.goto('/setup');
  await expect(
    page.getByRole('heading', { name: 'Set up this device' }),
  ).toBeVisible();
  await capture(page, '1-setup');

  await page.getByRole('button', { name: 'Scan QR code' }).click();
  await expect(
    page.getByRole('button', { name: 'Close scanner' }),
  ).toBeVisible();
  await page.waitForTimeout(500);
  await capture(page, '8-scanner-without-camera');
  await page.getByRole('button', { name: 'Close scanner' }).click();

  await page.goto(`/smc/getsettings/${SITE_ID}`);
  await expect(page.getByLabel('Username')).toBeVisible();
  await capture(page, '2-link-asks-for-missing');

  await page.goto('/setup');
  await page.getByLabel('Site ID', { exact: true }).fill('NO-SUCH-SITE');
  await page.getByLabel('Username').fill(user.username);
  await page.getByLabel('Provision code').fill('123456');
  await page.getByRole('button', { name: 'Get Server Settings' }).click();
  await expect(page.getByRole('alert')).toBeVisible();
  await capture(page, '3-error-unknown-site');

  await page.goto(activateUrl);
  await expect(page.getByTestId('link-username')).toBeVisible();
  await capture(page, '4-activate');

  await page.getByRole('button', { name: 'Get Server Settings' }).click();
  await expect(page.getByText('Device Provisioned')).toBeVisible();
  await capture(page, '5-provisioned');

  await page.getByLabel('PIN').fill(user.pin);
  await expect(page.getByTestId('one-time-code')).toBeVisible();
  await capture(page, '6-codes-with-pin');

  await page.goto(activateUrl);
  await expect(
    page.getByText('This device is already provisioned'),
  ).toBeVisible();
  await capture(page, '7-link-when-provisioned');
});
