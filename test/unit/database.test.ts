import { deleteDB } from 'idb';
import { afterEach, describe, expect, it } from 'vitest';

import {
  DATABASE_NAME,
  DATABASE_VERSION,
  DEVICE_KEY,
  type DeviceRecord,
  openVaultDatabase,
  type StringRecord,
  VAULT_KEY,
  type VaultDatabase,
} from '../../src/storage/database.js';
import {
  createVaultKey,
  PROVISION_ID_CONTEXT,
  seal,
  stringContext,
} from '../../src/storage/vault-crypto.js';

const opened: VaultDatabase[] = [];

/** Opens a vault database under a name no other test uses. */
async function openFresh(
  name = `vault-${crypto.randomUUID()}`,
  onVersionChange?: () => void,
): Promise<VaultDatabase> {
  const database = await openVaultDatabase(name, onVersionChange);
  opened.push(database);
  return database;
}

afterEach(() => {
  for (const database of opened.splice(0)) database.close();
});

async function deviceRecord(key: CryptoKey): Promise<DeviceRecord> {
  return {
    siteId: 'acme-01',
    server: {
      host: 'swivel.example.com',
      port: 8443,
      tls: true,
      context: 'proxy',
    },
    agentUrl: 'https://pwa.example/proxy/AgentXML',
    username: 'alice',
    provisionId: await seal(
      key,
      '0123456789abcdef0123456789abcdef',
      PROVISION_ID_CONTEXT,
    ),
    policies: [],
    provisionedAt: 1_700_000_000_000,
    downloadedAt: 1_700_000_001_000,
    batchId: 'batch-1',
    revoked: false,
    updateQueued: false,
  };
}

/** Requests a version above the vault's and resolves with how the request ended. */
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

async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('Expected the promise to reject, but it resolved.');
}

describe('openVaultDatabase', () => {
  it('names default database', () => {
    expect(DATABASE_NAME).toBe('swivel-vault');
  });

  it('opens schema version 2', async () => {
    const database = await openFresh();

    expect(DATABASE_VERSION).toBe(2);
    expect(database.version).toBe(2);
  });

  it('creates all four stores', async () => {
    const database = await openFresh();

    expect([...database.objectStoreNames].sort()).toEqual([
      'device',
      'keys',
      'legacy',
      'strings',
    ]);
  });

  it('keys strings by index', async () => {
    const database = await openFresh();

    const store = database.transaction('strings').objectStore('strings');

    expect(store.keyPath).toBe('index');
  });

  it('uses out-of-line keys elsewhere', async () => {
    const database = await openFresh();

    const transaction = database.transaction(['device', 'keys', 'legacy']);

    expect(transaction.objectStore('device').keyPath).toBeNull();
    expect(transaction.objectStore('keys').keyPath).toBeNull();
    expect(transaction.objectStore('legacy').keyPath).toBeNull();
  });

  it('starts empty', async () => {
    const database = await openFresh();

    expect(await database.count('device')).toBe(0);
    expect(await database.count('strings')).toBe(0);
    expect(await database.count('keys')).toBe(0);
    expect(await database.count('legacy')).toBe(0);
  });

  it('stores device under fixed key', async () => {
    const database = await openFresh();
    const device = await deviceRecord(await createVaultKey());

    await database.put('device', device, DEVICE_KEY);

    expect(DEVICE_KEY).toBe('device');
    expect(await database.get('device', DEVICE_KEY)).toEqual(device);
  });

  it('stores CryptoKey under vault key', async () => {
    const database = await openFresh();
    const key = await createVaultKey();

    await database.put('keys', key, VAULT_KEY);

    const stored = await database.get('keys', VAULT_KEY);
    expect(VAULT_KEY).toBe('vault');
    expect(stored).toBeInstanceOf(CryptoKey);
    expect(stored?.extractable).toBe(false);
  });

  it('keeps data across reopen', async () => {
    const name = `vault-${crypto.randomUUID()}`;
    const key = await createVaultKey();
    const string: StringRecord = {
      index: 3,
      value: await seal(key, '7469832160', stringContext('batch-1', 3)),
      used: false,
    };
    const first = await openFresh(name);
    await first.put('strings', string);
    first.close();

    const second = await openFresh(name);

    expect(await second.get('strings', 3)).toEqual(string);
  });

  it('uses default name without argument', async () => {
    const database = await openVaultDatabase();
    database.close();

    expect(database.name).toBe('swivel-vault');

    await deleteDB(DATABASE_NAME);
  });
});

describe('openVaultDatabase version change', () => {
  it('closes for newer version', async () => {
    const name = `vault-${crypto.randomUUID()}`;
    await openFresh(name);

    const outcome = await requestUpgrade(name);

    expect(outcome).toBe('success');
  });

  it('calls onVersionChange once', async () => {
    const name = `vault-${crypto.randomUUID()}`;
    let calls = 0;
    await openFresh(name, () => {
      calls += 1;
    });

    await requestUpgrade(name);

    expect(calls).toBe(1);
  });

  it('rejects use after closing', async () => {
    const name = `vault-${crypto.randomUUID()}`;
    const database = await openFresh(name);
    await requestUpgrade(name);

    const error = await rejectionOf(database.get('device', DEVICE_KEY));

    expect(error).toHaveProperty('name', 'InvalidStateError');
  });

  it('closes every open connection', async () => {
    const name = `vault-${crypto.randomUUID()}`;
    let calls = 0;
    const countCall = (): void => {
      calls += 1;
    };
    await openFresh(name, countCall);
    await openFresh(name, countCall);

    const outcome = await requestUpgrade(name);

    expect(outcome).toBe('success');
    expect(calls).toBe(2);
  });
});
