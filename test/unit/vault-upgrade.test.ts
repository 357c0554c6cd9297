import { openDB } from 'idb';
import { afterEach, describe, expect, it } from 'vitest';

import type { Policy } from '../../src/protocol/policies.js';
import {
  LEGACY_DEVICE,
  LEGACY_STRINGS,
  openVaultDatabase,
  VAULT_KEY,
  type VaultDatabase,
} from '../../src/storage/database.js';
import { migrateLegacyRecords } from '../../src/storage/migrate-legacy.js';
import { VaultStore } from '../../src/storage/vault-store.js';
import { findLeaks, readRawRecords, type RawRecord } from './vault-scan.js';

const openStores: VaultStore[] = [];

function databaseName(): string {
  return `vault-${crypto.randomUUID()}`;
}

async function openStore(name: string): Promise<VaultStore> {
  const store = await VaultStore.open(name);
  openStores.push(store);
  return store;
}

afterEach(() => {
  for (const store of openStores.splice(0)) store.close();
});

/** A device record as schema version 1 stored it, with the provision id in the clear. */
interface DeviceRecordV1 {
  readonly siteId: string;
  readonly server: {
    readonly host: string;
    readonly port: number;
    readonly tls: boolean;
    readonly context: string;
  };
  readonly agentUrl: string;
  readonly username: string;
  readonly provisionId: string;
  readonly policies: readonly Policy[];
  readonly provisionedAt: number;
  readonly downloadedAt: number | null;
  /** The string on screen when version 1 last ran. */
  readonly currentIndex: number | null;
}

interface StringRecordV1 {
  readonly index: number;
  readonly value: string;
  readonly used: boolean;
}

const provisionId = '0123456789abcdef0123456789abcdef';

const deviceV1: DeviceRecordV1 = {
  siteId: 'acme-01',
  server: {
    host: 'swivel.example.com',
    port: 8443,
    tls: true,
    context: 'proxy',
  },
  agentUrl: 'https://pwa.example/proxy/AgentXML',
  username: 'alice',
  provisionId,
  policies: [],
  provisionedAt: 1_700_000_000_000,
  downloadedAt: 1_700_000_001_000,
  currentIndex: 3,
};

/** Indexes 1 to 99, where 1 and 2 were moved past and 3 is on screen. */
const stringsV1: StringRecordV1[] = Array.from({ length: 99 }, (_, offset) => ({
  index: offset + 1,
  value: `V${String(offset + 1).padStart(9, '0')}`,
  used: offset + 1 <= 2,
}));

/**
 * Creates database `name` at schema version 1, as the first release of the
 * app did, holding `device` and `strings` in the clear, and closes it.
 */
function createVersion1Database(
  name: string,
  device: DeviceRecordV1 | undefined,
  strings: readonly StringRecordV1[],
): Promise<void> {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(name, 1);
    request.onupgradeneeded = () => {
      const database = request.result;
      const deviceStore = database.createObjectStore('device');
      const stringStore = database.createObjectStore('strings', {
        keyPath: 'index',
      });
      if (device !== undefined) deviceStore.put(device, 'device');
      for (const string of strings) stringStore.put(string);
    };
    request.onsuccess = () => {
      request.result.close();
      resolve();
    };
    request.onerror = () =>
      reject(request.error ?? new Error('Opening version 1 failed.'));
    request.onblocked = () => reject(new Error('Opening version 1 blocked.'));
  });
}

/** One record of the raw database, read without the vault's code. */
function recordsOf(
  records: readonly RawRecord[],
  store: string,
): readonly RawRecord[] {
  return records.filter((record) => record.store === store);
}

const secrets = [provisionId, ...stringsV1.map((string) => string.value)];

describe('upgrade from version 1', () => {
  it('starts from clear records', async () => {
    const name = databaseName();

    await createVersion1Database(name, deviceV1, stringsV1);

    const leaks = findLeaks(await readRawRecords(name), secrets);
    expect(leaks).toHaveLength(secrets.length);
  });

  it('keeps every string', async () => {
    const name = databaseName();
    await createVersion1Database(name, deviceV1, stringsV1);

    const store = await openStore(name);

    const strings = await store.getStrings();
    expect(strings.map((string) => string.index)).toEqual(
      stringsV1.map((string) => string.index),
    );
    expect(strings.map((string) => string.value)).toEqual(
      stringsV1.map((string) => string.value),
    );
  });

  it('marks shown strings used', async () => {
    const name = databaseName();
    await createVersion1Database(name, deviceV1, stringsV1);

    const store = await openStore(name);

    const strings = await store.getStrings();
    const used = strings.filter((string) => string.used);
    expect(used.map((string) => string.index)).toEqual([1, 2, 3]);
    expect(await store.countRemaining()).toBe(96);
  });

  it('claims next after shown string', async () => {
    const name = databaseName();
    await createVersion1Database(name, deviceV1, stringsV1);
    const store = await openStore(name);

    const claimed = await store.claimNext();

    expect(claimed?.index).toBe(4);
    expect(claimed?.value).toBe('V000000004');
    expect(claimed?.remaining).toBe(95);
    expect(claimed?.total).toBe(99);
  });

  it('keeps provision id', async () => {
    const name = databaseName();
    await createVersion1Database(name, deviceV1, stringsV1);

    const store = await openStore(name);

    expect(await store.getProvisionId()).toBe(provisionId);
  });

  it('keeps other device fields', async () => {
    const name = databaseName();
    await createVersion1Database(name, deviceV1, stringsV1);

    const store = await openStore(name);

    expect(await store.getDevice()).toEqual({
      siteId: deviceV1.siteId,
      server: deviceV1.server,
      agentUrl: deviceV1.agentUrl,
      username: deviceV1.username,
      provisionId: {
        iv: expect.any(Uint8Array),
        data: expect.any(ArrayBuffer),
      },
      policies: deviceV1.policies,
      provisionedAt: deviceV1.provisionedAt,
      downloadedAt: deviceV1.downloadedAt,
      batchId: expect.any(String),
      revoked: false,
      updateQueued: false,
    });
  });

  it('empties legacy store', async () => {
    const name = databaseName();
    await createVersion1Database(name, deviceV1, stringsV1);

    await openStore(name);

    const records = await readRawRecords(name);
    expect(recordsOf(records, 'legacy')).toEqual([]);
  });

  it('leaves no plaintext behind', async () => {
    const name = databaseName();
    await createVersion1Database(name, deviceV1, stringsV1);

    await openStore(name);

    const leaks = findLeaks(await readRawRecords(name), secrets);
    expect(leaks).toEqual([]);
  });

  it('raises version to 2', async () => {
    const name = databaseName();
    await createVersion1Database(name, deviceV1, stringsV1);

    await openStore(name);

    const database = await openDB(name);
    const version = database.version;
    database.close();
    expect(version).toBe(2);
  });

  it('keeps data after reopening', async () => {
    const name = databaseName();
    await createVersion1Database(name, deviceV1, stringsV1);
    const first = await openStore(name);
    const before = await first.getStrings();
    first.close();

    const reopened = await openStore(name);

    expect(await reopened.getStrings()).toEqual(before);
    expect(await reopened.getProvisionId()).toBe(provisionId);
  });

  it('keeps device with no strings', async () => {
    const name = databaseName();
    await createVersion1Database(
      name,
      { ...deviceV1, downloadedAt: null, currentIndex: null },
      [],
    );

    const store = await openStore(name);

    expect((await store.getDevice())?.downloadedAt).toBeNull();
    expect(await store.getProvisionId()).toBe(provisionId);
    expect(await store.getStrings()).toEqual([]);
    expect(await store.claimNext()).toBeNull();
  });

  it('keeps exhausted batch exhausted', async () => {
    const name = databaseName();
    const allUsed = stringsV1.map((string) => ({ ...string, used: true }));
    await createVersion1Database(
      name,
      { ...deviceV1, currentIndex: null },
      allUsed,
    );

    const store = await openStore(name);

    expect(await store.getStrings()).toHaveLength(99);
    expect(await store.countRemaining()).toBe(0);
    expect(await store.claimNext()).toBeNull();
  });
});

describe('upgrade from empty version 1', () => {
  it('opens empty vault', async () => {
    const name = databaseName();
    await createVersion1Database(name, undefined, []);

    const store = await openStore(name);

    expect(await store.getDevice()).toBeUndefined();
    expect(await store.getStrings()).toEqual([]);
    expect(await store.claimNext()).toBeNull();
  });

  it('leaves only vault key', async () => {
    const name = databaseName();
    await createVersion1Database(name, undefined, []);

    await openStore(name);

    const records = await readRawRecords(name);
    expect(records.map((record) => record.store)).toEqual(['keys']);
  });

  it('drops strings without device', async () => {
    const name = databaseName();
    await createVersion1Database(name, undefined, stringsV1);

    const store = await openStore(name);

    const leaks = findLeaks(await readRawRecords(name), secrets);
    expect(await store.getStrings()).toEqual([]);
    expect(leaks).toEqual([]);
  });
});

describe('upgrade before encryption', () => {
  it('moves clear records aside', async () => {
    const name = databaseName();
    await createVersion1Database(name, deviceV1, stringsV1);

    const database = await openVaultDatabase(name);
    const device = await database.get('legacy', LEGACY_DEVICE);
    const strings = await database.get('legacy', LEGACY_STRINGS);
    const deviceCount = await database.count('device');
    const stringCount = await database.count('strings');
    database.close();

    expect(device).toEqual(deviceV1);
    expect(strings).toEqual(stringsV1);
    expect(deviceCount).toBe(0);
    expect(stringCount).toBe(0);
  });

  it('encrypts on next open', async () => {
    const name = databaseName();
    await createVersion1Database(name, deviceV1, stringsV1);
    const database = await openVaultDatabase(name);
    database.close();

    const store = await openStore(name);

    const leaks = findLeaks(await readRawRecords(name), secrets);
    expect(leaks).toEqual([]);
    expect(await store.getStrings()).toHaveLength(99);
    expect(await store.getProvisionId()).toBe(provisionId);
  });
});

describe('upgrade with racing opens', () => {
  it('writes one encrypted copy', async () => {
    const name = databaseName();
    await createVersion1Database(name, deviceV1, stringsV1);

    const stores = await Promise.all([
      VaultStore.open(name),
      VaultStore.open(name),
    ]);
    openStores.push(...stores);

    const records = await readRawRecords(name);
    expect(recordsOf(records, 'device')).toHaveLength(1);
    expect(recordsOf(records, 'strings')).toHaveLength(99);
    expect(recordsOf(records, 'keys')).toHaveLength(1);
    expect(recordsOf(records, 'legacy')).toEqual([]);
  });

  it('loses no string', async () => {
    const name = databaseName();
    await createVersion1Database(name, deviceV1, stringsV1);

    const [first, second] = await Promise.all([
      VaultStore.open(name),
      VaultStore.open(name),
    ]);
    openStores.push(first, second);

    const expected = stringsV1.map((string) => ({
      ...string,
      used: string.index <= 3,
    }));
    expect(await first.getStrings()).toEqual(expected);
    expect(await second.getStrings()).toEqual(expected);
  });

  it('agrees on device and key', async () => {
    const name = databaseName();
    await createVersion1Database(name, deviceV1, stringsV1);

    const [first, second] = await Promise.all([
      VaultStore.open(name),
      VaultStore.open(name),
    ]);
    openStores.push(first, second);

    expect(await second.getDevice()).toEqual(await first.getDevice());
    expect(await first.getProvisionId()).toBe(provisionId);
    expect(await second.getProvisionId()).toBe(provisionId);
  });

  it('leaves no plaintext behind', async () => {
    const name = databaseName();
    await createVersion1Database(name, deviceV1, stringsV1);

    const stores = await Promise.all([
      VaultStore.open(name),
      VaultStore.open(name),
      VaultStore.open(name),
    ]);
    openStores.push(...stores);

    const leaks = findLeaks(await readRawRecords(name), secrets);
    expect(leaks).toEqual([]);
  });

  it('keeps claims made during migration', async () => {
    const name = databaseName();
    await createVersion1Database(name, deviceV1, stringsV1);

    const claims = await Promise.all(
      Array.from({ length: 4 }, async () => {
        const store = await openStore(name);
        return store.claimNext();
      }),
    );

    const indexes = claims.map((claimed) => claimed?.index);
    const store = await openStore(name);
    expect([...indexes].sort()).toEqual([4, 5, 6, 7]);
    expect(await store.countRemaining()).toBe(92);
  });

  it('hands out each string once', async () => {
    const name = databaseName();
    await createVersion1Database(name, deviceV1, stringsV1);
    const [first, second] = await Promise.all([
      VaultStore.open(name),
      VaultStore.open(name),
    ]);
    openStores.push(first, second);

    const claims = await Promise.all(
      Array.from({ length: 100 }, (_, claim) =>
        claim % 2 === 0 ? first.claimNext() : second.claimNext(),
      ),
    );

    const indexes = claims.flatMap((claimed) =>
      claimed === null ? [] : [claimed.index],
    );
    expect(indexes).toHaveLength(96);
    expect(new Set(indexes).size).toBe(96);
    expect(Math.min(...indexes)).toBe(4);
  });
});

describe('migrateLegacyRecords', () => {
  it('writes nothing when another tab finished', async () => {
    const name = databaseName();
    await createVersion1Database(name, deviceV1, stringsV1);
    const database = await openVaultDatabase(name);
    const staleDevice = await database.get('legacy', LEGACY_DEVICE);
    const staleStrings = await database.get('legacy', LEGACY_STRINGS);
    const store = await openStore(name);
    await store.claimNext();
    const before = await store.getDevice();
    const key = await database.get('keys', VAULT_KEY);
    // Reads the legacy records as they were before the other tab migrated
    // them, as a tab that was still encrypting would have read them.
    const lateTab = {
      get: async (_store: string, legacyKey: string) =>
        legacyKey === LEGACY_DEVICE ? staleDevice : staleStrings,
      transaction: database.transaction.bind(database),
    } as unknown as VaultDatabase;

    await migrateLegacyRecords(lateTab, key as CryptoKey);
    database.close();

    expect(await store.getDevice()).toEqual(before);
    expect(await store.countRemaining()).toBe(95);
    expect((await store.claimNext())?.index).toBe(5);
  });

  it('does nothing without legacy records', async () => {
    const name = databaseName();
    const store = await openStore(name);
    await store.saveProvisionedDevice(
      {
        siteId: deviceV1.siteId,
        server: deviceV1.server,
        agentUrl: deviceV1.agentUrl,
        username: deviceV1.username,
        provisionId,
        policies: deviceV1.policies,
        provisionedAt: deviceV1.provisionedAt,
      },
      [{ index: 1, value: 'A000000001' }],
      1,
    );
    const before = await readRawRecords(name);
    const database = await openVaultDatabase(name);
    const key = await database.get('keys', VAULT_KEY);

    await migrateLegacyRecords(database, key as CryptoKey);
    database.close();

    expect(await readRawRecords(name)).toEqual(before);
  });
});
