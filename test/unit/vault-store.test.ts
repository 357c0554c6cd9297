import { openDB } from 'idb';
import { afterEach, describe, expect, it } from 'vitest';

import type { Policy } from '../../src/protocol/policies.js';
import type { SecurityString } from '../../src/protocol/security-strings.js';
import type { StringRecord } from '../../src/storage/database.js';
import { open, stringContext } from '../../src/storage/vault-crypto.js';
import type { NewDevice, ShownString } from '../../src/storage/vault-store.js';
import { VaultStore } from '../../src/storage/vault-store.js';
import { findLeaks, readRawRecords } from './vault-scan.js';

const openStores: VaultStore[] = [];

function databaseName(): string {
  return `vault-${crypto.randomUUID()}`;
}

/** Opens a store in a database no other test uses, or in `name` when given. */
async function openStore(name = databaseName()): Promise<VaultStore> {
  const store = await VaultStore.open(name);
  openStores.push(store);
  return store;
}

afterEach(() => {
  for (const store of openStores.splice(0)) store.close();
});

async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('Expected the promise to reject, but it resolved.');
}

const newDevice: NewDevice = {
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
  policies: [
    { id: 'AllowUserPIN', section: 'mobile', show: 'true', value: 'OFF' },
  ],
  provisionedAt: 1_700_000_000_000,
};

/** The device fields that the store keeps as given, without the provision id. */
const { provisionId: newProvisionId, ...storedFields } = newDevice;

/** Matches an encrypted value as `seal` returns it. */
const sealedValue = {
  iv: expect.any(Uint8Array),
  data: expect.any(ArrayBuffer),
};

/** Builds strings for `indexes`, each value starting with `prefix` so batches differ. */
function batch(indexes: readonly number[], prefix = 'A'): SecurityString[] {
  return indexes.map((index) => ({
    index,
    value: `${prefix}${String(index).padStart(9, '0')}`,
  }));
}

function range(first: number, last: number): number[] {
  return Array.from(
    { length: last - first + 1 },
    (_, offset) => first + offset,
  );
}

/** A record of the raw database, read without the vault's code. */
async function readRawString(
  name: string,
  index: number,
): Promise<StringRecord> {
  const database = await openDB(name);
  const string = (await database.get('strings', index)) as StringRecord;
  database.close();
  return string;
}

async function writeRawString(
  name: string,
  string: StringRecord,
): Promise<void> {
  const database = await openDB(name);
  await database.put('strings', string);
  database.close();
}

async function readRawKey(name: string): Promise<unknown> {
  const database = await openDB(name);
  const key: unknown = await database.get('keys', 'vault');
  database.close();
  return key;
}

function delay(milliseconds: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, milliseconds));
}

/** Resolves once `condition` holds, or rejects after two seconds. */
async function waitUntil(condition: () => boolean): Promise<void> {
  for (let waited = 0; !condition(); waited += 10) {
    if (waited >= 2000) {
      throw new Error('Timed out after 2 s waiting for the condition.');
    }
    await delay(10);
  }
}

describe('VaultStore before provisioning', () => {
  it('has no device', async () => {
    const store = await openStore();

    expect(await store.getDevice()).toBeUndefined();
  });

  it('claims nothing', async () => {
    const store = await openStore();

    expect(await store.claimNext()).toBeNull();
  });

  it('has no strings', async () => {
    const store = await openStore();

    expect(await store.getStrings()).toEqual([]);
  });

  it('counts zero remaining', async () => {
    const store = await openStore();

    expect(await store.countRemaining()).toBe(0);
  });

  it('finds no string by index', async () => {
    const store = await openStore();

    expect(await store.getString('batch-1', 1)).toBeNull();
  });

  it('rejects reading provision id', async () => {
    const store = await openStore();

    const error = await rejectionOf(store.getProvisionId());

    expect(error).toBeInstanceOf(Error);
    expect(error).toHaveProperty(
      'message',
      expect.stringContaining('Provision the device first'),
    );
  });
});

describe('VaultStore.saveProvisionedDevice', () => {
  it('stores device with batch fields', async () => {
    const store = await openStore();

    await store.saveProvisionedDevice(
      newDevice,
      batch([1, 2, 3]),
      1_700_000_005_000,
    );

    expect(await store.getDevice()).toEqual({
      ...storedFields,
      provisionId: sealedValue,
      downloadedAt: 1_700_000_005_000,
      batchId: expect.any(String),
      revoked: false,
      updateQueued: false,
    });
  });

  it('returns provision id decrypted', async () => {
    const store = await openStore();

    await store.saveProvisionedDevice(newDevice, batch([1]), 1);

    expect(await store.getProvisionId()).toBe(newProvisionId);
  });

  it('stores every string unused', async () => {
    const store = await openStore();

    await store.saveProvisionedDevice(newDevice, batch([1, 2, 3]), 1);

    expect(await store.getStrings()).toEqual([
      { index: 1, value: 'A000000001', used: false },
      { index: 2, value: 'A000000002', used: false },
      { index: 3, value: 'A000000003', used: false },
    ]);
  });

  it('returns strings in index order', async () => {
    const store = await openStore();

    await store.saveProvisionedDevice(newDevice, batch([7, 3, 12]), 1);

    const indexes = (await store.getStrings()).map((string) => string.index);
    expect(indexes).toEqual([3, 7, 12]);
  });

  it('claims lowest index first', async () => {
    const store = await openStore();

    await store.saveProvisionedDevice(newDevice, batch([7, 3, 12]), 1);

    expect((await store.claimNext())?.index).toBe(3);
  });

  it('counts whole batch remaining', async () => {
    const store = await openStore();

    await store.saveProvisionedDevice(newDevice, batch(range(1, 99)), 1);

    expect(await store.countRemaining()).toBe(99);
  });

  it('stores device without strings', async () => {
    const store = await openStore();

    await store.saveProvisionedDevice(newDevice, [], null);

    const device = await store.getDevice();
    expect(device?.username).toBe('alice');
    expect(device?.downloadedAt).toBeNull();
    expect(await store.getStrings()).toEqual([]);
    expect(await store.countRemaining()).toBe(0);
    expect(await store.claimNext()).toBeNull();
  });

  it('replaces earlier device and strings', async () => {
    const store = await openStore();
    await store.saveProvisionedDevice(newDevice, batch(range(1, 99), 'A'), 1);
    await store.claimNext();
    await store.markRevoked();
    await store.setUpdateQueued(true);
    const firstBatchId = (await store.getDevice())?.batchId;
    const bob: NewDevice = {
      ...newDevice,
      username: 'bob',
      provisionId: 'f'.repeat(32),
    };

    await store.saveProvisionedDevice(bob, batch([1, 2], 'B'), 2);

    const device = await store.getDevice();
    expect(device?.username).toBe('bob');
    expect(device?.batchId).not.toBe(firstBatchId);
    expect(device?.revoked).toBe(false);
    expect(device?.updateQueued).toBe(false);
    expect(await store.getProvisionId()).toBe('f'.repeat(32));
    expect(await store.getStrings()).toEqual([
      { index: 1, value: 'B000000001', used: false },
      { index: 2, value: 'B000000002', used: false },
    ]);
    expect((await store.claimNext())?.index).toBe(1);
  });
});

describe('VaultStore.claimNext', () => {
  it('describes first string', async () => {
    const store = await openStore();
    await store.saveProvisionedDevice(newDevice, batch(range(1, 99)), 1);

    const claimed = await store.claimNext();

    expect(claimed).toEqual({
      batchId: (await store.getDevice())?.batchId,
      index: 1,
      value: 'A000000001',
      used: true,
      remaining: 98,
      total: 99,
    });
  });

  it('marks claimed string used', async () => {
    const store = await openStore();
    await store.saveProvisionedDevice(newDevice, batch([1, 2, 3]), 1);

    await store.claimNext();

    const strings = await store.getStrings();
    expect(strings[0]).toEqual({ index: 1, value: 'A000000001', used: true });
    expect(strings[1]?.used).toBe(false);
    expect(strings[2]?.used).toBe(false);
  });

  it('moves to next unused index', async () => {
    const store = await openStore();
    await store.saveProvisionedDevice(newDevice, batch([1, 2, 3]), 1);
    await store.claimNext();

    const next = await store.claimNext();

    expect(next).toEqual({
      batchId: (await store.getDevice())?.batchId,
      index: 2,
      value: 'A000000002',
      used: true,
      remaining: 1,
      total: 3,
    });
  });

  it('skips gaps in indexes', async () => {
    const store = await openStore();
    await store.saveProvisionedDevice(newDevice, batch([4, 9, 20]), 1);
    await store.claimNext();

    const next = await store.claimNext();

    expect(next?.index).toBe(9);
    expect(next?.remaining).toBe(1);
  });

  it('counts remaining after each claim', async () => {
    const store = await openStore();
    await store.saveProvisionedDevice(newDevice, batch(range(1, 99)), 1);
    const seen: ShownString[] = [];

    for (let step = 0; step < 10; step += 1) {
      const next = await store.claimNext();
      if (next !== null) seen.push(next);
    }

    expect(seen.map((shown) => shown.index)).toEqual(range(1, 10));
    expect(seen.map((shown) => shown.remaining)).toEqual(
      range(89, 98).reverse(),
    );
    expect(seen.every((shown) => shown.total === 99)).toBe(true);
    expect(await store.countRemaining()).toBe(89);
  });

  it('returns null after last string', async () => {
    const store = await openStore();
    await store.saveProvisionedDevice(newDevice, batch([1, 2]), 1);
    await store.claimNext();
    await store.claimNext();

    const afterLast = await store.claimNext();

    expect(afterLast).toBeNull();
    expect(await store.countRemaining()).toBe(0);
  });

  it('marks last string used', async () => {
    const store = await openStore();
    await store.saveProvisionedDevice(newDevice, batch([1, 2]), 1);
    await store.claimNext();

    const last = await store.claimNext();

    const strings = await store.getStrings();
    expect(last?.remaining).toBe(0);
    expect(strings.every((string) => string.used)).toBe(true);
  });

  it('stays null at end', async () => {
    const store = await openStore();
    await store.saveProvisionedDevice(newDevice, batch([1]), 1);
    await store.claimNext();
    await store.claimNext();

    const again = await store.claimNext();

    expect(again).toBeNull();
    expect(await store.countRemaining()).toBe(0);
  });

  it('walks full batch once', async () => {
    const store = await openStore();
    await store.saveProvisionedDevice(newDevice, batch(range(1, 99)), 1);
    const indexes: number[] = [];

    for (
      let next = await store.claimNext();
      next !== null;
      next = await store.claimNext()
    ) {
      indexes.push(next.index);
    }

    expect(indexes).toEqual(range(1, 99));
  });

  it('returns null without strings', async () => {
    const store = await openStore();
    await store.saveProvisionedDevice(newDevice, [], null);

    expect(await store.claimNext()).toBeNull();
  });

  it('never repeats across concurrent stores', async () => {
    const name = databaseName();
    const first = await openStore(name);
    const second = await openStore(name);
    await first.saveProvisionedDevice(newDevice, batch(range(1, 99)), 1);

    const claims = await Promise.all(
      range(1, 60).map((claim) =>
        claim % 2 === 0 ? first.claimNext() : second.claimNext(),
      ),
    );

    const indexes = claims.map((claimed) => claimed?.index);
    expect(indexes).not.toContain(undefined);
    expect(new Set(indexes).size).toBe(60);
    expect([...indexes].sort((a, b) => (a ?? 0) - (b ?? 0))).toEqual(
      range(1, 60),
    );
    expect(await first.countRemaining()).toBe(39);
  });

  it('exhausts batch without repeats', async () => {
    const name = databaseName();
    const first = await openStore(name);
    const second = await openStore(name);
    await first.saveProvisionedDevice(newDevice, batch(range(1, 99)), 1);

    const claims = await Promise.all(
      range(1, 120).map((claim) =>
        claim % 2 === 0 ? first.claimNext() : second.claimNext(),
      ),
    );

    const indexes = claims.flatMap((claimed) =>
      claimed === null ? [] : [claimed.index],
    );
    expect(indexes).toHaveLength(99);
    expect(new Set(indexes).size).toBe(99);
    expect(claims.filter((claimed) => claimed === null)).toHaveLength(21);
    expect(await second.countRemaining()).toBe(0);
  });
});

describe('VaultStore.getString', () => {
  it('returns claimed string again', async () => {
    const store = await openStore();
    await store.saveProvisionedDevice(newDevice, batch(range(1, 99)), 1);
    const claimed = await store.claimNext();

    const again = await store.getString(claimed?.batchId ?? '', 1);

    expect(again).toEqual(claimed);
  });

  it('claims nothing', async () => {
    const store = await openStore();
    await store.saveProvisionedDevice(newDevice, batch(range(1, 99)), 1);
    const batchId = (await store.getDevice())?.batchId ?? '';

    const shown = await store.getString(batchId, 5);

    expect(shown?.value).toBe('A000000005');
    expect(shown?.used).toBe(false);
    expect(shown?.remaining).toBe(99);
    expect(await store.countRemaining()).toBe(99);
    expect((await store.claimNext())?.index).toBe(1);
  });

  it('returns null for replaced batch', async () => {
    const store = await openStore();
    await store.saveProvisionedDevice(newDevice, batch([1, 2, 3]), 1);
    const claimed = await store.claimNext();
    await store.replaceBatch(batch([1, 2, 3], 'B'), [], 2);

    const shown = await store.getString(claimed?.batchId ?? '', 1);

    expect(shown).toBeNull();
  });

  it('returns null for unknown index', async () => {
    const store = await openStore();
    await store.saveProvisionedDevice(newDevice, batch([1, 2, 3]), 1);
    const batchId = (await store.getDevice())?.batchId ?? '';

    expect(await store.getString(batchId, 4)).toBeNull();
  });

  it('returns null after clear', async () => {
    const store = await openStore();
    await store.saveProvisionedDevice(newDevice, batch([1, 2, 3]), 1);
    const claimed = await store.claimNext();
    await store.clear();

    expect(await store.getString(claimed?.batchId ?? '', 1)).toBeNull();
  });
});

describe('VaultStore.replaceBatch', () => {
  const newPolicies: Policy[] = [
    { id: 'AllowUserPIN', section: 'mobile', show: 'true', value: 'ON' },
    { id: 'AllowStringBrowsing', section: 'mobile', show: 'true', value: 'ON' },
  ];

  it('keeps no old string', async () => {
    const store = await openStore();
    await store.saveProvisionedDevice(newDevice, batch(range(1, 99), 'A'), 1);

    await store.replaceBatch(batch([5, 6], 'B'), newPolicies, 2);

    const values = (await store.getStrings()).map((string) => string.value);
    expect(values).toEqual(['B000000005', 'B000000006']);
  });

  it('stores new strings unused', async () => {
    const store = await openStore();
    await store.saveProvisionedDevice(newDevice, batch([1, 2, 3], 'A'), 1);
    await store.claimNext();
    await store.claimNext();

    await store.replaceBatch(batch([1, 2, 3], 'B'), newPolicies, 2);

    const strings = await store.getStrings();
    expect(strings.every((string) => !string.used)).toBe(true);
    expect(strings.map((string) => string.value)).toEqual([
      'B000000001',
      'B000000002',
      'B000000003',
    ]);
    expect(await store.countRemaining()).toBe(3);
  });

  it('claims lowest new index first', async () => {
    const store = await openStore();
    await store.saveProvisionedDevice(newDevice, batch([1, 2, 3], 'A'), 1);
    await store.claimNext();

    await store.replaceBatch(batch([8, 4, 6], 'B'), newPolicies, 2);

    expect(await store.claimNext()).toEqual({
      batchId: (await store.getDevice())?.batchId,
      index: 4,
      value: 'B000000004',
      used: true,
      remaining: 2,
      total: 3,
    });
  });

  it('updates policies and downloadedAt', async () => {
    const store = await openStore();
    await store.saveProvisionedDevice(newDevice, batch([1]), 1_700_000_001_000);

    await store.replaceBatch(batch([1], 'B'), newPolicies, 1_700_000_009_000);

    const device = await store.getDevice();
    expect(device?.policies).toEqual(newPolicies);
    expect(device?.downloadedAt).toBe(1_700_000_009_000);
  });

  it('starts new batch id', async () => {
    const store = await openStore();
    await store.saveProvisionedDevice(newDevice, batch([1]), 1);
    const before = await store.getDevice();

    await store.replaceBatch(batch([1], 'B'), newPolicies, 2);

    const after = await store.getDevice();
    expect(after?.batchId).toEqual(expect.any(String));
    expect(after?.batchId).not.toBe(before?.batchId);
  });

  it('clears queued update', async () => {
    const store = await openStore();
    await store.saveProvisionedDevice(newDevice, batch([1]), 1);
    await store.setUpdateQueued(true);

    await store.replaceBatch(batch([1], 'B'), newPolicies, 2);

    expect((await store.getDevice())?.updateQueued).toBe(false);
  });

  it('keeps other device fields', async () => {
    const store = await openStore();
    await store.saveProvisionedDevice(newDevice, batch([1]), 1);
    const before = await store.getDevice();

    await store.replaceBatch(batch([1], 'B'), newPolicies, 2);

    expect(await store.getDevice()).toEqual({
      ...storedFields,
      provisionId: before?.provisionId,
      policies: newPolicies,
      downloadedAt: 2,
      batchId: expect.any(String),
      revoked: false,
      updateQueued: false,
    });
    expect(await store.getProvisionId()).toBe(newProvisionId);
  });

  it('fills device provisioned without strings', async () => {
    const store = await openStore();
    await store.saveProvisionedDevice(newDevice, [], null);

    await store.replaceBatch(batch(range(1, 99)), newPolicies, 5);

    expect((await store.claimNext())?.index).toBe(1);
    expect((await store.getDevice())?.downloadedAt).toBe(5);
    expect(await store.countRemaining()).toBe(98);
  });

  it('rejects without device', async () => {
    const store = await openStore();

    const error = await rejectionOf(
      store.replaceBatch(batch([1, 2]), newPolicies, 2),
    );

    expect(error).toBeInstanceOf(Error);
    expect(error).toHaveProperty(
      'message',
      expect.stringContaining('Provision the device first'),
    );
  });

  it('stores nothing without device', async () => {
    const store = await openStore();

    await rejectionOf(store.replaceBatch(batch([1, 2]), newPolicies, 2));

    expect(await store.getDevice()).toBeUndefined();
    expect(await store.getStrings()).toEqual([]);
    expect(await store.countRemaining()).toBe(0);
  });

  it('keeps working after rejection', async () => {
    const store = await openStore();
    await rejectionOf(store.replaceBatch(batch([1, 2]), newPolicies, 2));

    await store.saveProvisionedDevice(newDevice, batch([1, 2]), 3);

    expect((await store.claimNext())?.index).toBe(1);
  });
});

describe('VaultStore.setUpdateQueued', () => {
  it('sets and clears flag', async () => {
    const store = await openStore();
    await store.saveProvisionedDevice(newDevice, batch([1]), 1);

    await store.setUpdateQueued(true);
    const queued = (await store.getDevice())?.updateQueued;
    await store.setUpdateQueued(false);
    const cleared = (await store.getDevice())?.updateQueued;

    expect(queued).toBe(true);
    expect(cleared).toBe(false);
  });

  it('keeps strings', async () => {
    const store = await openStore();
    await store.saveProvisionedDevice(newDevice, batch([1, 2]), 1);

    await store.setUpdateQueued(true);

    expect(await store.countRemaining()).toBe(2);
  });

  it('stores nothing without device', async () => {
    const store = await openStore();

    await store.setUpdateQueued(true);

    expect(await store.getDevice()).toBeUndefined();
  });
});

describe('VaultStore.markRevoked', () => {
  it('marks device revoked', async () => {
    const store = await openStore();
    await store.saveProvisionedDevice(newDevice, batch([1, 2]), 1);

    await store.markRevoked();

    expect((await store.getDevice())?.revoked).toBe(true);
  });

  it('removes strings', async () => {
    const store = await openStore();
    await store.saveProvisionedDevice(newDevice, batch([1, 2]), 1);

    await store.markRevoked();

    expect(await store.getStrings()).toEqual([]);
    expect(await store.countRemaining()).toBe(0);
    expect(await store.claimNext()).toBeNull();
  });

  it('keeps other device fields', async () => {
    const store = await openStore();
    await store.saveProvisionedDevice(newDevice, batch([1, 2]), 1);
    const before = await store.getDevice();

    await store.markRevoked();

    expect(await store.getDevice()).toEqual({ ...before, revoked: true });
    expect(await store.getProvisionId()).toBe(newProvisionId);
  });

  it('stores nothing without device', async () => {
    const store = await openStore();

    await store.markRevoked();

    expect(await store.getDevice()).toBeUndefined();
  });
});

describe('VaultStore.clear', () => {
  it('removes device and strings', async () => {
    const store = await openStore();
    await store.saveProvisionedDevice(newDevice, batch([1, 2, 3]), 1);

    await store.clear();

    expect(await store.getDevice()).toBeUndefined();
    expect(await store.getStrings()).toEqual([]);
    expect(await store.countRemaining()).toBe(0);
    expect(await store.claimNext()).toBeNull();
  });

  it('clears empty vault', async () => {
    const store = await openStore();

    await store.clear();

    expect(await store.getDevice()).toBeUndefined();
  });

  it('keeps working after clear', async () => {
    const store = await openStore();
    await store.saveProvisionedDevice(newDevice, batch([1, 2, 3]), 1);
    await store.clear();

    await store.saveProvisionedDevice(newDevice, batch([1], 'B'), 2);

    expect((await store.claimNext())?.value).toBe('B000000001');
  });
});

describe('VaultStore shared database', () => {
  it('shows saved device to second store', async () => {
    const name = databaseName();
    const first = await openStore(name);
    const second = await openStore(name);

    await first.saveProvisionedDevice(newDevice, batch([1, 2, 3]), 1);

    expect(await second.getDevice()).toEqual(await first.getDevice());
    expect(await second.getStrings()).toEqual(await first.getStrings());
    expect(await second.getProvisionId()).toBe(newProvisionId);
  });

  it('shows claim to second store', async () => {
    const name = databaseName();
    const first = await openStore(name);
    const second = await openStore(name);
    await first.saveProvisionedDevice(newDevice, batch([1, 2, 3]), 1);

    await first.claimNext();

    expect((await second.getStrings())[0]?.used).toBe(true);
    expect(await second.countRemaining()).toBe(2);
    expect((await second.claimNext())?.index).toBe(2);
  });

  it('keeps data after reopening', async () => {
    const name = databaseName();
    const first = await openStore(name);
    await first.saveProvisionedDevice(newDevice, batch([1, 2, 3]), 1);
    await first.claimNext();
    first.close();

    const reopened = await openStore(name);

    expect((await reopened.getStrings())[0]?.used).toBe(true);
    expect((await reopened.claimNext())?.index).toBe(2);
    expect(await reopened.getProvisionId()).toBe(newProvisionId);
  });

  it('shares one key between racing opens', async () => {
    const name = databaseName();
    const [first, second] = await Promise.all([
      VaultStore.open(name),
      VaultStore.open(name),
    ]);
    openStores.push(first, second);

    await first.saveProvisionedDevice(newDevice, batch([1, 2]), 1);

    const keys = (await readRawRecords(name)).filter(
      (record) => record.store === 'keys',
    );
    expect(keys).toHaveLength(1);
    expect(await second.getStrings()).toEqual(await first.getStrings());
    expect(await second.getProvisionId()).toBe(newProvisionId);
  });
});

describe('VaultStore encryption at rest', () => {
  const strings = batch(range(1, 99));
  const secrets = [newProvisionId, ...strings.map((string) => string.value)];

  it('finds clear text in raw bytes', async () => {
    const name = databaseName();
    await openStore(name);
    const database = await openDB(name);
    await database.put(
      'legacy',
      { nested: [new TextEncoder().encode(`xx${newProvisionId}xx`)] },
      'probe',
    );
    database.close();

    const leaks = findLeaks(await readRawRecords(name), [newProvisionId]);

    expect(leaks).toEqual([`legacy[probe].nested.0`]);
  });

  it('stores no security string in clear', async () => {
    const name = databaseName();
    const store = await openStore(name);

    await store.saveProvisionedDevice(newDevice, strings, 1);
    await store.claimNext();

    const leaks = findLeaks(await readRawRecords(name), secrets.slice(1));
    expect(leaks).toEqual([]);
  });

  it('stores no provision id in clear', async () => {
    const name = databaseName();
    const store = await openStore(name);

    await store.saveProvisionedDevice(newDevice, strings, 1);

    const leaks = findLeaks(await readRawRecords(name), [newProvisionId]);
    expect(leaks).toEqual([]);
  });

  it('stores no secret after replaceBatch', async () => {
    const name = databaseName();
    const store = await openStore(name);
    await store.saveProvisionedDevice(newDevice, strings, 1);
    const replacement = batch(range(1, 99), 'B');

    await store.replaceBatch(replacement, [], 2);

    const leaks = findLeaks(await readRawRecords(name), [
      newProvisionId,
      ...replacement.map((string) => string.value),
    ]);
    expect(leaks).toEqual([]);
  });

  it('stores sealed values only', async () => {
    const name = databaseName();
    const store = await openStore(name);

    await store.saveProvisionedDevice(newDevice, strings, 1);

    const raw = await readRawString(name, 1);
    expect(raw).toEqual({ index: 1, used: false, value: sealedValue });
    expect((await store.getDevice())?.provisionId).toEqual(sealedValue);
  });

  it('uses fresh nonce per string', async () => {
    const name = databaseName();
    const store = await openStore(name);

    await store.saveProvisionedDevice(newDevice, strings, 1);

    const nonces = (await readRawRecords(name))
      .filter((record) => record.store === 'strings')
      .map((record) => (record.value as StringRecord).value.iv.join(','));
    expect(nonces).toHaveLength(99);
    expect(new Set(nonces).size).toBe(99);
  });

  it('stores non-extractable CryptoKey', async () => {
    const name = databaseName();
    await openStore(name);

    const key = await readRawKey(name);

    expect(key).toBeInstanceOf(CryptoKey);
    expect((key as CryptoKey).extractable).toBe(false);
    expect((key as CryptoKey).algorithm).toEqual({
      name: 'AES-GCM',
      length: 256,
    });
  });

  it('rejects exporting stored key', async () => {
    const name = databaseName();
    await openStore(name);
    const key = (await readRawKey(name)) as CryptoKey;

    const raw = await rejectionOf(crypto.subtle.exportKey('raw', key));
    const jwk = await rejectionOf(crypto.subtle.exportKey('jwk', key));

    expect(raw).toBeInstanceOf(DOMException);
    expect(jwk).toBeInstanceOf(DOMException);
  });

  it('binds string to batch and index', async () => {
    const name = databaseName();
    const store = await openStore(name);
    await store.saveProvisionedDevice(newDevice, strings, 1);
    const batchId = (await store.getDevice())?.batchId ?? '';
    const key = (await readRawKey(name)) as CryptoKey;
    const sealed = (await readRawString(name, 1)).value;

    const right = await open(key, sealed, stringContext(batchId, 1));
    const otherIndex = await rejectionOf(
      open(key, sealed, stringContext(batchId, 2)),
    );
    const otherBatch = await rejectionOf(
      open(key, sealed, stringContext(crypto.randomUUID(), 1)),
    );

    expect(right).toBe('A000000001');
    expect(otherIndex).toHaveProperty('name', 'OperationError');
    expect(otherBatch).toHaveProperty('name', 'OperationError');
  });

  it('rejects string moved to another index', async () => {
    const name = databaseName();
    const store = await openStore(name);
    await store.saveProvisionedDevice(newDevice, batch([1, 2]), 1);
    const first = await readRawString(name, 1);
    await writeRawString(name, { index: 2, used: false, value: first.value });

    const error = await rejectionOf(store.getStrings());

    expect(error).toHaveProperty('name', 'OperationError');
  });

  it('rejects string moved from old batch', async () => {
    const name = databaseName();
    const store = await openStore(name);
    await store.saveProvisionedDevice(newDevice, batch([1]), 1);
    const old = await readRawString(name, 1);
    await store.replaceBatch(batch([1], 'B'), [], 2);
    await writeRawString(name, old);

    const error = await rejectionOf(store.getStrings());

    expect(error).toHaveProperty('name', 'OperationError');
  });
});

describe('VaultStore.onExternalChange', () => {
  const writes: readonly (readonly [
    string,
    (store: VaultStore) => Promise<unknown>,
  ])[] = [
    [
      'saveProvisionedDevice',
      (store) => store.saveProvisionedDevice(newDevice, batch([1, 2]), 1),
    ],
    ['claimNext', (store) => store.claimNext()],
    ['replaceBatch', (store) => store.replaceBatch(batch([1], 'B'), [], 2)],
    ['setUpdateQueued', (store) => store.setUpdateQueued(true)],
    ['markRevoked', (store) => store.markRevoked()],
    ['clear', (store) => store.clear()],
  ];

  for (const [method, write] of writes) {
    it(`fires for other store's ${method}`, async () => {
      const name = databaseName();
      const listening = await openStore(name);
      const writing = await openStore(name);
      await writing.saveProvisionedDevice(newDevice, batch([1, 2]), 1);
      await delay(20);
      let calls = 0;
      listening.onExternalChange(() => {
        calls += 1;
      });

      await write(writing);
      await waitUntil(() => calls > 0);

      expect(calls).toBe(1);
    });
  }

  it('ignores own writes', async () => {
    const name = databaseName();
    const listening = await openStore(name);
    const writing = await openStore(name);
    let calls = 0;
    listening.onExternalChange(() => {
      calls += 1;
    });

    await listening.saveProvisionedDevice(newDevice, batch([1, 2]), 1);
    await listening.claimNext();
    await writing.setUpdateQueued(true);
    await waitUntil(() => calls > 0);
    await delay(50);

    expect(calls).toBe(1);
  });

  it('stops after close', async () => {
    const name = databaseName();
    const listening = await openStore(name);
    const writing = await openStore(name);
    let calls = 0;
    listening.onExternalChange(() => {
      calls += 1;
    });
    listening.close();

    await writing.saveProvisionedDevice(newDevice, batch([1, 2]), 1);
    await delay(50);

    expect(calls).toBe(0);
  });
});
