import { expect, test } from '@playwright/test';

import {
  createUser,
  issueCode,
  provisionNewUser,
  readShownString,
  waitForServiceWorker,
} from './swivel-server.js';

test('offline reload of / shows the current code', async ({
  page,
  context,
  request,
}) => {
  await provisionNewUser(page, request);
  await waitForServiceWorker(page);
  const online = await readShownString(page);

  await context.setOffline(true);
  await page.reload();

  const offline = await readShownString(page);
  expect(offline).toEqual(online);
});

test('offline Activate URL shows the current code', async ({
  page,
  context,
  request,
}) => {
  const user = await provisionNewUser(page, request);
  await waitForServiceWorker(page);
  const online = await readShownString(page);

  await context.setOffline(true);
  await page.goto(user.activateUrl);

  await expect(
    page.getByText('This device is already provisioned'),
  ).toBeVisible();
  expect(await readShownString(page)).toEqual(online);
});

test.describe('with service workers blocked', () => {
  test.use({ serviceWorkers: 'block' });

  test('offline reload fails without the worker', async ({
    page,
    context,
    request,
  }) => {
    await provisionNewUser(page, request);

    await context.setOffline(true);
    const reload = page.reload().catch((error: unknown) => error);

    expect(await reload).toBeInstanceOf(Error);
    await expect(page.getByTestId('security-string')).toHaveCount(0);
  });
});

test('link opened offline provisions when back online', async ({
  page,
  context,
  request,
}) => {
  const user = await createUser(request);
  const { activateUrl } = await issueCode(request, user.username);
  await page.goto('/');
  await waitForServiceWorker(page);
  const sent: string[] = [];
  page.on('request', (outgoing) => {
    if (outgoing.method() === 'POST') sent.push(outgoing.url());
  });

  await context.setOffline(true);
  await page.goto(activateUrl);
  await expect(page.getByText('You are offline')).toBeVisible();
  await expect(page.getByTestId('link-username')).toHaveText(user.username);
  await context.setOffline(false);

  await expect(page.getByText('You are offline')).toHaveCount(0);
  expect(sent).toEqual([]);
  await page.getByRole('button', { name: 'Get Server Settings' }).click();
  await expect(page.getByText('Device Provisioned')).toBeVisible();
});
