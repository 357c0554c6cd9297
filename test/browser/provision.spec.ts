import { expect, test } from '@playwright/test';

import { readRequest } from '../../src/protocol/agent-xml.js';
import { extractOtc, formatTypedCode } from '../../src/protocol/otc.js';
import {
  createUser,
  issueCode,
  login,
  provisionNewUser,
  readShownString,
  readUser,
  SITE_ID,
} from './swivel-server.js';

test('Activate URL provisions and shows a code', async ({ page, request }) => {
  const user = await createUser(request);
  const { activateUrl } = await issueCode(request, user.username);

  await page.goto(activateUrl);
  await expect(page.getByTestId('link-site-id')).toHaveText(SITE_ID);
  await expect(page.getByTestId('link-username')).toHaveText(user.username);
  await page.getByRole('button', { name: 'Get Server Settings' }).click();

  await expect(page.getByText('Device Provisioned')).toBeVisible();
  const shown = await readShownString(page);
  const server = await readUser(request, user.username);
  expect(server.provisioned).toBe(true);
  expect(shown.index).toBe(1);
  expect(shown.value).toBe(server.strings[0]?.value);
  await expect(page.getByTestId('strings-left')).toHaveText(
    '98 strings left after this one',
  );
  expect(new URL(page.url()).pathname).toBe('/');
});

test('code from string and PIN logs in once', async ({ page, request }) => {
  const user = await provisionNewUser(page, request);
  const shown = await readShownString(page);
  const typed = formatTypedCode(extractOtc(shown.value, user.pin), shown.index);

  await page.getByLabel('PIN').fill(user.pin);

  await expect(page.getByTestId('one-time-code')).toHaveText(typed);
  expect(await login(request, user.username, typed)).toBe('PASS');
  expect(await login(request, user.username, typed)).toBe('FAIL');
});

test('PIN is stored nowhere in the browser', async ({ page, request }) => {
  const user = await provisionNewUser(page, request);
  await page.getByLabel('PIN').fill('97531');
  await expect(page.getByTestId('one-time-code')).toBeVisible();

  const stored = await page.evaluate(async () => {
    const parts: string[] = [JSON.stringify({ ...localStorage })];
    parts.push(JSON.stringify({ ...sessionStorage }));
    const request = indexedDB.open('swivel-vault');
    const database = await new Promise<IDBDatabase>((resolve) => {
      request.onsuccess = () => resolve(request.result);
    });
    for (const name of database.objectStoreNames) {
      const all = database.transaction(name).objectStore(name).getAll();
      const values = await new Promise<unknown[]>((resolve) => {
        all.onsuccess = () => resolve(all.result as unknown[]);
      });
      parts.push(JSON.stringify(values));
    }
    database.close();
    return parts.join('\n');
  });

  expect(stored).toContain(user.username);
  expect(stored).not.toContain('97531');
});

test('requests carry only protocol elements', async ({ page, request }) => {
  const bodies: string[] = [];
  page.on('request', (sent) => {
    if (sent.url().endsWith('/AgentXML')) bodies.push(sent.postData() ?? '');
  });

  await provisionNewUser(page, request);
  await page.getByRole('button', { name: 'Update codes' }).click();
  await expect(page.getByText('Codes updated')).toBeVisible();

  const requests = bodies.map((body) => readRequest(body));
  const elements = requests.map((sent) => Object.keys(sent).sort());
  expect(requests.map((sent) => sent.action)).toEqual([
    'ping',
    'provision',
    'SecurityStrings',
    'SecurityStrings',
  ]);
  expect(elements[0]).toEqual(['action', 'version']);
  expect(elements[1]).toEqual([
    'action',
    'provisionCode',
    'username',
    'version',
  ]);
  expect(elements[2]).toEqual(['action', 'id', 'version']);
  for (const body of bodies) expect(body).not.toMatch(/<Secret>/i);
});

test('reopening shows the next string', async ({ page, context, request }) => {
  await provisionNewUser(page, request);
  const first = await readShownString(page);

  await page.reload();
  const reloaded = await readShownString(page);
  const reopened = await context.newPage();
  await reopened.goto('/');
  const next = await readShownString(reopened);

  expect(reloaded.index).toBe(first.index);
  expect(next.index).toBe(first.index + 1);
});

test('Next moves to the following string', async ({ page, request }) => {
  const user = await provisionNewUser(page, request);
  const first = await readShownString(page);

  await page.getByRole('button', { name: 'Next', exact: true }).click();

  await expect(page.getByTestId('string-index')).toHaveText('02');
  const server = await readUser(request, user.username);
  expect((await readShownString(page)).value).toBe(server.strings[1]?.value);
  expect(first.index).toBe(1);
});

test('Update codes replaces the batch', async ({ page, request }) => {
  const user = await provisionNewUser(page, request);
  await page.getByRole('button', { name: 'Next', exact: true }).click();
  await expect(page.getByTestId('string-index')).toHaveText('02');

  await page.getByRole('button', { name: 'Update codes' }).click();

  await expect(page.getByText('Codes updated')).toBeVisible();
  const server = await readUser(request, user.username);
  const shown = await readShownString(page);
  expect(shown.index).toBe(1);
  expect(shown.value).toBe(server.strings[0]?.value);
});

test('two tabs never share a current string', async ({
  page,
  context,
  request,
}) => {
  await provisionNewUser(page, request);
  const second = await context.newPage();
  await second.goto('/');
  const shown = new Set<string>();
  const record = async (): Promise<void> => {
    const first = await page.getByTestId('string-index').innerText();
    const other = await second.getByTestId('string-index').innerText();
    expect(first).not.toBe(other);
    shown.add(first).add(other);
  };

  await record();
  for (let step = 0; step < 5; step++) {
    const tab = step % 2 === 0 ? page : second;
    const before = await tab.getByTestId('string-index').innerText();
    await tab.getByRole('button', { name: 'Next', exact: true }).click();
    await expect(tab.getByTestId('string-index')).not.toHaveText(before);
    await record();
  }

  expect(shown.size).toBe(7);
});

test('tabs follow a new batch', async ({ page, context, request }) => {
  await provisionNewUser(page, request);
  const second = await context.newPage();
  await second.goto('/');
  await expect(second.getByTestId('string-index')).toHaveText('02');

  await page.getByRole('button', { name: 'Update codes' }).click();

  await expect(page.getByText('Codes updated')).toBeVisible();
  await expect(page.getByTestId('string-index')).toHaveText('01');
  await expect(second.getByTestId('string-index')).toHaveText('02');
  const first = await readShownString(page);
  const other = await readShownString(second);
  expect(other.value).not.toBe(first.value);
});

test('setup offers a way back to codes', async ({ page, request }) => {
  await provisionNewUser(page, request);
  await page.getByRole('link', { name: 'Provision this device again' }).click();

  await page.getByRole('button', { name: 'Back to codes' }).click();

  await expect(page.getByTestId('security-string')).toBeVisible();
  expect(new URL(page.url()).pathname).toBe('/');
});

test('window opened from a tab claims anew', async ({ page, request }) => {
  await provisionNewUser(page, request);
  const first = await readShownString(page);

  const [opened] = await Promise.all([
    page.waitForEvent('popup'),
    page.evaluate(() => window.open('/')),
  ]);

  await expect(opened.getByTestId('string-index')).not.toHaveText(
    String(first.index).padStart(2, '0'),
  );
  expect((await readShownString(page)).index).toBe(first.index);
});

test('browsed string is never new again', async ({
  page,
  context,
  request,
}) => {
  await provisionNewUser(page, request);
  await page.getByRole('button', { name: 'Show the later string' }).click();
  await expect(page.getByTestId('string-index')).toHaveText('02');

  const second = await context.newPage();
  await second.goto('/');

  await expect(second.getByTestId('string-index')).toHaveText('03');
});
