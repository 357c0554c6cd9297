import { expect, type Page, test } from '@playwright/test';

import { buildServerDetails } from '../../src/protocol/ssd.js';
import { createUser, issueCode, SITE_ID } from './swivel-server.js';

/** Makes the directory return `host` for every Site ID lookup. */
async function directoryReturns(
  page: Page,
  host: string,
  port: number,
  tls: boolean,
): Promise<void> {
  await page.route('**/ssdserver/getServerDetails*', (route) =>
    route.fulfill({
      contentType: 'application/xml',
      body: buildServerDetails({
        host,
        port,
        tls,
        context: 'proxy',
        pushSupport: false,
        local: false,
        pin: false,
        oath: false,
      }),
    }),
  );
}

/** Records the Agent-XML requests the page sends. */
function recordAgentRequests(page: Page): string[] {
  const sent: string[] = [];
  page.on('request', (outgoing) => {
    if (outgoing.url().endsWith('/AgentXML')) sent.push(outgoing.url());
  });
  return sent;
}

test('new server needs confirmation', async ({ page, request, baseURL }) => {
  const user = await createUser(request);
  const { activateUrl } = await issueCode(request, user.username);
  const port = Number(new URL(baseURL ?? '').port);
  await directoryReturns(page, 'localhost', port, false);
  const sent = recordAgentRequests(page);

  await page.goto(activateUrl);
  await page.getByRole('button', { name: 'Get Server Settings' }).click();

  await expect(page.getByTestId('confirm-host')).toHaveText(
    `localhost:${port}`,
  );
  expect(sent).toEqual([]);
  await page.getByRole('button', { name: 'Continue' }).click();
  await expect(page.getByText('Device Provisioned')).toBeVisible();
});

test('cancelled server gets nothing', async ({ page, request, baseURL }) => {
  const user = await createUser(request);
  const { activateUrl } = await issueCode(request, user.username);
  const port = Number(new URL(baseURL ?? '').port);
  await directoryReturns(page, 'localhost', port, false);
  const sent = recordAgentRequests(page);

  await page.goto(activateUrl);
  await page.getByRole('button', { name: 'Get Server Settings' }).click();
  await page.getByRole('button', { name: 'Cancel' }).click();

  await expect(page.getByRole('alert')).toContainText('Provisioning cancelled');
  expect(sent).toEqual([]);
});

test('plain HTTP server is rejected', async ({ page, request }) => {
  const user = await createUser(request);
  const { activateUrl } = await issueCode(request, user.username);
  await directoryReturns(page, 'swivel.example.com', 8080, false);
  const sent = recordAgentRequests(page);

  await page.goto(activateUrl);
  await page.getByRole('button', { name: 'Get Server Settings' }).click();

  await expect(page.getByRole('alert')).toContainText('Server without TLS');
  expect(sent).toEqual([]);
});

test('markup in a link stays text', async ({ page }) => {
  const username = '<img src=x onerror="window.injected=1">';
  const path = `/smc/complete/${SITE_ID}/${encodeURIComponent(username)}/123`;

  await page.goto(path);

  await expect(page.getByTestId('link-username')).toHaveText(username);
  expect(await page.evaluate(() => 'injected' in window)).toBe(false);
  await expect(page.locator('img[src="x"]')).toHaveCount(0);
});
