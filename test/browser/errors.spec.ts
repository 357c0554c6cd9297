import { expect, type Page, test } from '@playwright/test';

import {
  createUser,
  issueCode,
  provisionNewUser,
  readShownString,
  SITE_ID,
} from './swivel-server.js';

async function submitSetup(
  page: Page,
  fields: { siteId: string; username: string; code: string },
): Promise<void> {
  await page.goto('/setup');
  await page.getByLabel('Site ID', { exact: true }).fill(fields.siteId);
  await page.getByLabel('Username').fill(fields.username);
  await page.getByLabel('Provision code').fill(fields.code);
  await page.getByRole('button', { name: 'Get Server Settings' }).click();
}

test('setup by Site ID provisions', async ({ page, request }) => {
  const user = await createUser(request);
  const { code } = await issueCode(request, user.username);

  await submitSetup(page, { siteId: SITE_ID, username: user.username, code });

  await expect(page.getByText('Device Provisioned')).toBeVisible();
  expect((await readShownString(page)).index).toBe(1);
});

test('setup by server settings provisions', async ({ page, request }) => {
  const user = await createUser(request);
  const { code } = await issueCode(request, user.username);
  const base = new URL(test.info().project.use.baseURL ?? '');

  await page.goto('/setup');
  await page.getByLabel('Enter server settings').check();
  await page.getByLabel('Host').fill(base.hostname);
  await page.getByLabel('Port').fill(base.port);
  await page.getByLabel('Use TLS (HTTPS)').uncheck();
  await page.getByLabel('Context').selectOption('pinsafe');
  await page.getByLabel('Username').fill(user.username);
  await page.getByLabel('Provision code').fill(code);
  await page.getByRole('button', { name: 'Provision' }).click();

  await expect(page.getByText('Device Provisioned')).toBeVisible();
  expect((await readShownString(page)).index).toBe(1);
});

test('empty username says User not set', async ({ page }) => {
  await submitSetup(page, { siteId: SITE_ID, username: '', code: '123' });

  await expect(page.getByRole('alert')).toContainText('User not set');
});

test('unknown Site ID has its own message', async ({ page }) => {
  await submitSetup(page, { siteId: 'NO-SUCH-SITE', username: 'a', code: '1' });

  await expect(page.getByRole('alert')).toContainText(
    'Error Server, Unknown Server ID',
  );
});

test('unknown user says Invalid Username', async ({ page }) => {
  await submitSetup(page, {
    siteId: SITE_ID,
    username: 'nobody-here',
    code: '1',
  });

  await expect(page.getByRole('alert')).toContainText('Invalid Username');
});

test('wrong provision code says Provision Failure', async ({
  page,
  request,
}) => {
  const user = await createUser(request);
  await issueCode(request, user.username);

  await submitSetup(page, {
    siteId: SITE_ID,
    username: user.username,
    code: '0',
  });

  await expect(page.getByRole('alert')).toContainText('Provision Failure');
});

test('used provision code says Provision Failure', async ({
  page,
  context,
  request,
}) => {
  const user = await provisionNewUser(page, request);
  const second = await context.newPage();

  await second.goto(user.activateUrl);
  await second.getByRole('button', { name: 'Provision again' }).click();
  await second.getByRole('button', { name: 'Get Server Settings' }).click();

  await expect(second.getByRole('alert')).toContainText('Provision Failure');
});

test('offline update is queued, then runs', async ({
  page,
  context,
  request,
}) => {
  await provisionNewUser(page, request);
  const before = await readShownString(page);

  await context.setOffline(true);
  await page.getByRole('button', { name: 'Update codes' }).click();

  await expect(page.getByText('Update queued', { exact: true })).toBeVisible();
  expect(await readShownString(page)).toEqual(before);
  await context.setOffline(false);

  // The page or the service worker's Background Sync downloads; either way
  // the page follows the new batch.
  await expect(page.getByText('Update queued', { exact: true })).toHaveCount(0);
  await expect
    .poll(async () => (await readShownString(page)).value)
    .not.toBe(before.value);
  expect((await readShownString(page)).index).toBe(1);
});

test('link without username asks for it', async ({ page }) => {
  await page.goto(`/smc/getsettings/${SITE_ID}`);

  await expect(page.getByTestId('link-site-id')).toHaveText(SITE_ID);
  await expect(page.getByLabel('Username')).toBeVisible();
  await expect(page.getByLabel('Provision code')).toBeVisible();
});

test('failure alert is in view and focused', async ({ page, request }) => {
  const user = await createUser(request);
  await issueCode(request, user.username);
  await page.setViewportSize({ width: 390, height: 600 });

  await submitSetup(page, {
    siteId: SITE_ID,
    username: user.username,
    code: '0',
  });

  const alert = page.getByRole('alert');
  await expect(alert).toBeInViewport();
  await expect(alert).toBeFocused();
  await expect(page.getByText('Provisioning. Please wait...')).toHaveCount(0);
});
