import { deleteDB } from 'idb';
import { afterEach, describe, expect, it } from 'vitest';

import {
  DATABASE_NAME,
  DATABASE_VERSION,
  DEVICE_KEY,
  type DeviceRecord,
  openVaultDatabase,
  type VaultDatabase,
} from '../../src/storage/database.js';

const opened: VaultDatabase[] = [];

/** Opens a vault database under a name no other test uses. */
async function openFresh(
  name = `vault-${crypto.randomUUID()}`,
): Promise<VaultDatabase> {
  const database = await openVaultDatabase(name);
  opened.push(database);
  return database;
}

afterEach(() => {
  for (const database of opened.splice(0)) database.close();
});

const device: DeviceRecord = {
  siteId: 'acme-01',
  server: {
    host: 'swivel.example.com',
    port: 8443,
    tls: true,
    context: 'proxy',
  },
  agentUrl: 'https://pwa.example/proxy/AgentXML',
  username: 'alice',
  provisionId: '0123456789abcdef0123456789abcdef',
  policies: [],
  provisionedAt: 1_700_000_000_000,
  downloadedAt: 1_700_000_001_000,
  currentIndex: 1,
};

/** Requests version 2 of `name` and resolves with how the request ended. */
function requestUpgrade(
  name: string,
): Promise<'success' | 'blocked' | 'error'> {
  return new Promise((resolve) => {
    const request = indexedDB.open(name, DATABASE_VERSION + 1);
    request.onblocked = () => resolve('blocked');
    request.onerror = () => resolve('error');
    request.onsuccess = () => {
      request.result.close();
      resolve('success');
    };
  });
}

describe('openVaultDatabase', () => {
  it('names default database', () => {
    expect(DATABASE_NAME).toBe('swivel-vault');
  });

  it('opens schema version 1', async () => {
    const database = await openFresh();

    expect(DATABASE_VERSION).toBe(1);
    expect(database.version).toBe(1);
  });

  it('creates device and strings stores', async () => {
    const database = await openFresh();

    expect([...database.objectStoreNames].sort()).toEqual([
      'device',
      'strings',
    ]);
  });

  it('keys strings by index', async () => {
    const database = await openFresh();

    const store = database.transaction('strings').objectStore('strings');

    expect(store.keyPath).toBe('index');
  });

  it('stores device under fixed key', async () => {
    const database = await openFresh();

    await database.put('device', device, DEVICE_KEY);

    expect(DEVICE_KEY).toBe('device');
    expect(await database.get('device', DEVICE_KEY)).toEqual(device);
  });

  it('keeps data across reopen', async () => {
    const name = `vault-${crypto.randomUUID()}`;
    const first = await openFresh(name);
    await first.put('strings', { index: 3, value: '7469832160', used: false });
    first.close();

    const second = await openFresh(name);

    expect(await second.get('strings', 3)).toEqual({
      index: 3,
      value: '7469832160',
      used: false,
    });
  });

  it('uses default name without argument', async () => {
    const database = await openVaultDatabase();
    database.close();

    expect(database.name).toBe('swivel-vault');

    await deleteDB(DATABASE_NAME);
  });

  it('closes for newer version', async () => {
    const name = `vault-${crypto.randomUUID()}`;
    await openFresh(name);

    const outcome = await requestUpgrade(name);

    expect(outcome).toBe('success');
  });
});
