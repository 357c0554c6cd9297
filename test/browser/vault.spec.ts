import { expect, type Page, type Route, test } from '@playwright/test';

import {
  buildProvisionRequest,
  readResponse,
} from '../../src/protocol/agent-xml.js';
import {
  issueCode,
  provisionNewUser,
  readShownString,
  readUser,
  waitForServiceWorker,
} from './swivel-server.js';

/**
 * Reads every record of the vault's object stores as JSON, with binary
 * values written out as byte lists, so two snapshots compare exactly.
 */
async function snapshotVault(page: Page): Promise<string> {
  return page.evaluate(async () => {
    const toPlain = (value: unknown): unknown => {
      if (value instanceof ArrayBuffer) return [...new Uint8Array(value)];
      if (ArrayBuffer.isView(value)) {
        return [
          ...new Uint8Array(value.buffer, value.byteOffset, value.byteLength),
        ];
      }
      if (value instanceof CryptoKey) return 'CryptoKey';
      if (Array.isArray(value)) return value.map(toPlain);
      if (value !== null && typeof value === 'object') {
        return Object.fromEntries(
          Object.entries(value).map(([key, entry]) => [key, toPlain(entry)]),
        );
      }
      return value;
    };
    const request = indexedDB.open('swivel-vault');
    const database = await new Promise<IDBDatabase>((resolve, reject) => {
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    const snapshot: Record<string, unknown> = {};
    for (const name of [...database.objectStoreNames].sort()) {
      const all = database.transaction(name).objectStore(name).getAll();
      snapshot[name] = await new Promise((resolve) => {
        all.onsuccess = () => resolve(toPlain(all.result));
      });
    }
    database.close();
    return JSON.stringify(snapshot);
  });
}

/** Replies to each `SecurityStrings` request with `fault`; other requests pass. */
async function injectDownloadFault(
  page: Page,
  fault: (route: Route) => Promise<void>,
): Promise<void> {
  await page.route('**/AgentXML', async (route) => {
    const body = route.request().postData() ?? '';
    if (!body.includes('<Action>SecurityStrings</Action>')) {
      await route.continue();
      return;
    }
    await fault(route);
  });
}

/** Fetches the real reply and changes its text before the page reads it. */
function alterReply(change: (xml: string) => string) {
  return async (route: Route): Promise<void> => {
    const response = await route.fetch();
    await route.fulfill({ response, body: change(await response.text()) });
  };
}

const faults: readonly [string, (route: Route) => Promise<void>, RegExp][] = [
  [
    'server error',
    (route) => route.fulfill({ status: 500, body: 'Internal Server Error' }),
    /Error Server Connection/,
  ],
  ['timeout', (route) => route.abort('timedout'), /Error Server Connection/],
  [
    'connection refused',
    (route) => route.abort('connectionrefused'),
    /Error Server Connection/,
  ],
  [
    'malformed XML',
    (route) =>
      route.fulfill({ status: 200, body: '<SASResponse><Result>PASS' }),
    /Error Server Connection/,
  ],
  [
    'truncated XML',
    alterReply((xml) => xml.slice(0, Math.floor(xml.length / 2))),
    /Error Server Connection/,
  ],
  [
    'short string in batch',
    alterReply((xml) => xml.replace(/;(\d{10});/, ';12345;')),
    /Error Server Connection/,
  ],
  [
    'markup in batch',
    alterReply((xml) => xml.replace(/;(\d{10});/, ';12345&lt;b&gt;78;')),
    /Error Server Connection/,
  ],
  [
    'empty batch',
    alterReply((xml) =>
      xml.replace(
        /<SecurityStrings>[^<]*<\/SecurityStrings>/,
        '<SecurityStrings></SecurityStrings>',
      ),
    ),
    /Error Server Connection/,
  ],
];

for (const [name, fault, message] of faults) {
  test(`${name} leaves the vault as it was`, async ({ page, request }) => {
    await provisionNewUser(page, request);
    const shown = await readShownString(page);
    const before = await snapshotVault(page);
    await injectDownloadFault(page, fault);

    await page.getByRole('button', { name: 'Update codes' }).click();

    await expect(page.getByRole('alert')).toContainText(message);
    expect(await snapshotVault(page)).toBe(before);
    expect(await readShownString(page)).toEqual(shown);
  });
}

test('page closed mid-write keeps a whole batch', async ({
  page,
  context,
  request,
}) => {
  const user = await provisionNewUser(page, request);
  const oldBatch = await readUser(request, user.username);
  const before = await snapshotVault(page);
  const closed = new Promise<void>((resolve) => {
    page.on('requestfinished', (finished) => {
      if (finished.postData()?.includes('SecurityStrings') === true) {
        void page.close().then(resolve);
      }
    });
  });

  await page.getByRole('button', { name: 'Update codes' }).click();
  await closed;
  const reopened = await context.newPage();
  await reopened.goto('/');
  const shown = await readShownString(reopened);
  const after = await snapshotVault(reopened);

  // Either the old batch survived whole or the new one arrived whole: no
  // stored string may be left over from the old batch next to new ones.
  const values = (snapshot: string): string[] =>
    (JSON.parse(snapshot) as { strings: { value: unknown }[] }).strings.map(
      (string) => JSON.stringify(string.value),
    );
  const kept = values(after).filter((value) => values(before).includes(value));
  const newBatch = await readUser(request, user.username);
  const expected = kept.length === 0 ? newBatch : oldBatch;
  expect(values(after)).toHaveLength(99);
  expect([0, 99]).toContain(kept.length);
  expect(shown.value).toBe(expected.strings[shown.index - 1]?.value);
});

test('replaced device stops offering strings', async ({ page, request }) => {
  const user = await provisionNewUser(page, request);
  const { code } = await issueCode(request, user.username);
  const provisioned = await request.post('/proxy/AgentXML', {
    headers: { 'Content-Type': 'application/xml; charset=utf-8' },
    data: buildProvisionRequest(user.username, code),
  });
  expect(readResponse(await provisioned.text()).result).toBe('PASS');

  await page.getByRole('button', { name: 'Update codes' }).click();

  await expect(
    page.getByText('This device is no longer provisioned'),
  ).toBeVisible();
  await expect(page.getByTestId('security-string')).toHaveCount(0);
  const parsed = JSON.parse(await snapshotVault(page)) as {
    strings: unknown[];
  };
  expect(parsed.strings).toEqual([]);
  await page.getByRole('button', { name: 'Provision again' }).click();
  await expect(
    page.getByRole('heading', { name: 'Set up this device' }),
  ).toBeVisible();
});

test('no secret is stored in the clear', async ({ page, request }) => {
  const provisionIds: string[] = [];
  page.on('response', async (response) => {
    if (!response.url().endsWith('/AgentXML')) return;
    const reply = readResponse(await response.text());
    if (reply.id !== undefined) provisionIds.push(reply.id);
  });
  const user = await provisionNewUser(page, request);
  await page.getByLabel('PIN').fill(user.pin);
  await expect(page.getByTestId('one-time-code')).toBeVisible();
  const server = await readUser(request, user.username);
  const secrets = [
    ...server.strings.map((string) => string.value),
    ...provisionIds,
  ];

  const stored = await page.evaluate(async () => {
    const parts: string[] = [JSON.stringify({ ...localStorage })];
    parts.push(JSON.stringify({ ...sessionStorage }));
    for (const name of await caches.keys()) {
      const cache = await caches.open(name);
      for (const key of await cache.keys()) {
        const response = await cache.match(key);
        parts.push(key.url, (await response?.text()) ?? '');
      }
    }
    return parts.join('\n');
  });
  const vault = await snapshotVault(page);
  const vaultBytes = JSON.parse(vault, (_key, value: unknown) =>
    Array.isArray(value) && value.every((item) => typeof item === 'number')
      ? String.fromCharCode(...(value as number[]))
      : value,
  ) as unknown;
  const vaultText = `${vault}\n${JSON.stringify(vaultBytes)}`;

  expect(provisionIds).toHaveLength(1);
  expect(secrets).toHaveLength(100);
  for (const secret of secrets) {
    expect(stored).not.toContain(secret);
    expect(vaultText).not.toContain(secret);
  }
  expect(stored).not.toContain(user.pin);
});

test('requests carry secrets only where needed', async ({ page, request }) => {
  const sent: { url: string; body: string; headers: string }[] = [];
  page.on('request', (outgoing) => {
    sent.push({
      url: outgoing.url(),
      body: outgoing.postData() ?? '',
      headers: JSON.stringify(outgoing.headers()),
    });
  });
  let provisionId = '';
  page.on('response', async (response) => {
    if (!response.url().endsWith('/AgentXML')) return;
    provisionId = readResponse(await response.text()).id ?? provisionId;
  });
  const pin = '86420';
  const user = await provisionNewUser(page, request);
  await page.getByLabel('PIN').fill(pin);
  await page.getByRole('button', { name: 'Update codes' }).click();
  await expect(page.getByText('Codes updated')).toBeVisible();

  const carrying = sent.filter((item) =>
    `${item.url}${item.body}${item.headers}`.includes(provisionId),
  );
  expect(provisionId).toMatch(/^[0-9a-f]{32}$/);
  expect(carrying).toHaveLength(2);
  for (const item of carrying) {
    expect(item.body).toContain('<Action>SecurityStrings</Action>');
  }
  for (const item of sent) {
    expect(`${item.url}${item.body}${item.headers}`).not.toContain(pin);
  }
  expect(user.username).toBeTruthy();
});

test('wiped storage leads to provisioning', async ({ page, request }) => {
  await provisionNewUser(page, request);
  await expect(page.getByTestId('device-status')).toContainText('Strings left');
  const session = await page.context().newCDPSession(page);

  await session.send('Storage.clearDataForOrigin', {
    origin: new URL(page.url()).origin,
    storageTypes: 'indexeddb',
  });
  await page.reload();

  await expect(page.getByText('Stored strings are gone')).toBeVisible();
  await expect(
    page.getByRole('heading', { name: 'Set up this device' }),
  ).toBeVisible();
});

test('few strings left starts a download', async ({
  page,
  context,
  request,
}) => {
  test.setTimeout(60_000);
  const user = await provisionNewUser(page, request);
  const next = page.getByRole('button', { name: 'Next', exact: true });
  for (let index = 2; index <= 91; index++) {
    await next.click();
    await expect(page.getByTestId('string-index')).toHaveText(
      String(index).padStart(2, '0'),
    );
  }
  const oldBatch = await readUser(request, user.username);

  const reopened = await context.newPage();
  await reopened.goto('/');

  await expect(reopened.getByText('New strings downloaded')).toBeVisible();
  const shown = await readShownString(reopened);
  const newBatch = await readUser(request, user.username);
  // The first tab follows the new batch too, so either tab may claim 01.
  expect([1, 2]).toContain(shown.index);
  expect(shown.value).toBe(newBatch.strings[shown.index - 1]?.value);
  expect(newBatch.strings[0]?.value).not.toBe(oldBatch.strings[0]?.value);
  await expect(page.getByTestId('string-index')).toHaveText(
    shown.index === 1 ? '02' : '01',
  );
});

test('queued update runs in the service worker', async ({
  page,
  context,
  request,
}) => {
  const user = await provisionNewUser(page, request);
  await waitForServiceWorker(page);
  const oldBatch = await readUser(request, user.username);
  await context.setOffline(true);
  await page.getByRole('button', { name: 'Update codes' }).click();
  await expect(page.getByText('Update queued', { exact: true })).toBeVisible();
  // Another page keeps the worker alive, but no page of the app is open,
  // so only the worker's Background Sync can send the download.
  const blank = await context.newPage();
  await page.close();

  await context.setOffline(false);

  await expect
    .poll(
      async () => (await readUser(request, user.username)).strings[0]?.value,
      {
        timeout: 15_000,
      },
    )
    .not.toBe(oldBatch.strings[0]?.value);
  await blank.goto('/');
  await expect(blank.getByText('Update queued', { exact: true })).toHaveCount(
    0,
  );
  const shown = await readShownString(blank);
  const newBatch = await readUser(request, user.username);
  expect(shown.value).toBe(newBatch.strings[shown.index - 1]?.value);
});

test('tabs back online store the server batch', async ({
  page,
  context,
  request,
}) => {
  const user = await provisionNewUser(page, request);
  await waitForServiceWorker(page);
  const tabs = [page, await context.newPage(), await context.newPage()];
  for (const tab of tabs.slice(1)) await tab.goto('/');
  await context.setOffline(true);
  await page.getByRole('button', { name: 'Update codes' }).click();
  await expect(page.getByText('Update queued', { exact: true })).toBeVisible();
  const before = await readShownString(page);

  await context.setOffline(false);

  await expect
    .poll(async () => (await readShownString(page)).value)
    .not.toBe(before.value);
  const server = await readUser(request, user.username);
  for (const tab of tabs) {
    const shown = await readShownString(tab);
    expect(shown.value).toBe(server.strings[shown.index - 1]?.value);
  }
});
