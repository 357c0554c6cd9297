import { afterEach, describe, expect, it } from 'vitest';

import type { Policy } from '../../src/protocol/policies.js';
import type { SecurityString } from '../../src/protocol/security-strings.js';
import type {
  CurrentString,
  NewDevice,
} from '../../src/storage/vault-store.js';
import { VaultStore } from '../../src/storage/vault-store.js';

const openStores: VaultStore[] = [];

/** Opens a store in a database no other test uses, or in `name` when given. */
async function openStore(
  name = `vault-${crypto.randomUUID()}`,
): Promise<VaultStore> {
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

describe('VaultStore before provisioning', () => {
  it('has no device', async () => {
    const store = await openStore();

    expect(await store.getDevice()).toBeUndefined();
  });

  it('has no current string', async () => {
    const store = await openStore();

    expect(await store.getCurrent()).toBeNull();
  });

  it('advances to null', async () => {
    const store = await openStore();

    expect(await store.advance()).toBeNull();
  });

  it('has no strings', async () => {
    const store = await openStore();

    expect(await store.getStrings()).toEqual([]);
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
      ...newDevice,
      downloadedAt: 1_700_000_005_000,
      currentIndex: 1,
    });
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

  it('makes lowest index current', async () => {
    const store = await openStore();

    await store.saveProvisionedDevice(newDevice, batch([7, 3, 12]), 1);

    expect((await store.getDevice())?.currentIndex).toBe(3);
    expect((await store.getCurrent())?.index).toBe(3);
  });

  it('returns strings in index order', async () => {
    const store = await openStore();

    await store.saveProvisionedDevice(newDevice, batch([7, 3, 12]), 1);

    const indexes = (await store.getStrings()).map((string) => string.index);
    expect(indexes).toEqual([3, 7, 12]);
  });

  it('stores device without strings', async () => {
    const store = await openStore();

    await store.saveProvisionedDevice(newDevice, [], null);

    const device = await store.getDevice();
    expect(device?.currentIndex).toBeNull();
    expect(device?.downloadedAt).toBeNull();
    expect(await store.getStrings()).toEqual([]);
    expect(await store.getCurrent()).toBeNull();
  });

  it('replaces earlier device and strings', async () => {
    const store = await openStore();
    await store.saveProvisionedDevice(newDevice, batch(range(1, 99), 'A'), 1);
    await store.advance();
    const bob: NewDevice = {
      ...newDevice,
      username: 'bob',
      provisionId: 'f'.repeat(32),
    };

    await store.saveProvisionedDevice(bob, batch([1, 2], 'B'), 2);

    expect((await store.getDevice())?.username).toBe('bob');
    expect(await store.getStrings()).toEqual([
      { index: 1, value: 'B000000001', used: false },
      { index: 2, value: 'B000000002', used: false },
    ]);
    expect((await store.getCurrent())?.index).toBe(1);
  });
});

describe('VaultStore.getCurrent', () => {
  it('describes first string', async () => {
    const store = await openStore();
    await store.saveProvisionedDevice(newDevice, batch(range(1, 99)), 1);

    const current = await store.getCurrent();

    expect(current).toEqual({
      index: 1,
      value: 'A000000001',
      used: false,
      remaining: 98,
      total: 99,
    });
  });

  it('does not change state', async () => {
    const store = await openStore();
    await store.saveProvisionedDevice(newDevice, batch([1, 2]), 1);

    await store.getCurrent();
    const again = await store.getCurrent();

    expect(again?.index).toBe(1);
    expect(again?.used).toBe(false);
  });
});

describe('VaultStore.advance', () => {
  it('marks current string used', async () => {
    const store = await openStore();
    await store.saveProvisionedDevice(newDevice, batch([1, 2, 3]), 1);

    await store.advance();

    const strings = await store.getStrings();
    expect(strings[0]).toEqual({ index: 1, value: 'A000000001', used: true });
    expect(strings[1]?.used).toBe(false);
    expect(strings[2]?.used).toBe(false);
  });

  it('moves to next unused index', async () => {
    const store = await openStore();
    await store.saveProvisionedDevice(newDevice, batch([1, 2, 3]), 1);

    const next = await store.advance();

    expect(next).toEqual({
      index: 2,
      value: 'A000000002',
      used: false,
      remaining: 1,
      total: 3,
    });
  });

  it('stores new current index', async () => {
    const store = await openStore();
    await store.saveProvisionedDevice(newDevice, batch([1, 2, 3]), 1);

    await store.advance();

    expect((await store.getDevice())?.currentIndex).toBe(2);
    expect((await store.getCurrent())?.index).toBe(2);
  });

  it('skips gaps in indexes', async () => {
    const store = await openStore();
    await store.saveProvisionedDevice(newDevice, batch([4, 9, 20]), 1);

    const next = await store.advance();

    expect(next?.index).toBe(9);
    expect(next?.remaining).toBe(1);
  });

  it('counts remaining after current', async () => {
    const store = await openStore();
    await store.saveProvisionedDevice(newDevice, batch(range(1, 99)), 1);
    const seen: CurrentString[] = [];

    for (let step = 0; step < 10; step += 1) {
      const next = await store.advance();
      if (next !== null) seen.push(next);
    }

    expect(seen.map((current) => current.index)).toEqual(range(2, 11));
    expect(seen.map((current) => current.remaining)).toEqual(
      range(88, 97).reverse(),
    );
    expect(seen.every((current) => current.total === 99)).toBe(true);
  });

  it('returns null after last string', async () => {
    const store = await openStore();
    await store.saveProvisionedDevice(newDevice, batch([1, 2]), 1);
    await store.advance();

    const afterLast = await store.advance();

    expect(afterLast).toBeNull();
    expect(await store.getCurrent()).toBeNull();
    expect((await store.getDevice())?.currentIndex).toBeNull();
  });

  it('marks last string used', async () => {
    const store = await openStore();
    await store.saveProvisionedDevice(newDevice, batch([1, 2]), 1);
    await store.advance();

    await store.advance();

    const strings = await store.getStrings();
    expect(strings.every((string) => string.used)).toBe(true);
  });

  it('stays null at end', async () => {
    const store = await openStore();
    await store.saveProvisionedDevice(newDevice, batch([1]), 1);
    await store.advance();

    const again = await store.advance();
    const current = await store.getCurrent();

    expect(again).toBeNull();
    expect(current).toBeNull();
    expect((await store.getDevice())?.currentIndex).toBeNull();
  });

  it('walks full batch once', async () => {
    const store = await openStore();
    await store.saveProvisionedDevice(newDevice, batch(range(1, 99)), 1);
    const indexes: number[] = [1];

    for (
      let next = await store.advance();
      next !== null;
      next = await store.advance()
    ) {
      indexes.push(next.index);
    }

    expect(indexes).toEqual(range(1, 99));
  });

  it('returns null without strings', async () => {
    const store = await openStore();
    await store.saveProvisionedDevice(newDevice, [], null);

    expect(await store.advance()).toBeNull();
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
    await store.advance();
    await store.advance();

    await store.replaceBatch(batch([1, 2, 3], 'B'), newPolicies, 2);

    const strings = await store.getStrings();
    expect(strings.every((string) => !string.used)).toBe(true);
    expect(strings.map((string) => string.value)).toEqual([
      'B000000001',
      'B000000002',
      'B000000003',
    ]);
  });

  it('makes lowest new index current', async () => {
    const store = await openStore();
    await store.saveProvisionedDevice(newDevice, batch([1, 2, 3], 'A'), 1);
    await store.advance();

    await store.replaceBatch(batch([8, 4, 6], 'B'), newPolicies, 2);

    expect(await store.getCurrent()).toEqual({
      index: 4,
      value: 'B000000004',
      used: false,
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

  it('keeps other device fields', async () => {
    const store = await openStore();
    await store.saveProvisionedDevice(newDevice, batch([1]), 1);

    await store.replaceBatch(batch([1], 'B'), newPolicies, 2);

    expect(await store.getDevice()).toEqual({
      ...newDevice,
      policies: newPolicies,
      downloadedAt: 2,
      currentIndex: 1,
    });
  });

  it('fills device provisioned without strings', async () => {
    const store = await openStore();
    await store.saveProvisionedDevice(newDevice, [], null);

    await store.replaceBatch(batch(range(1, 99)), newPolicies, 5);

    expect((await store.getCurrent())?.index).toBe(1);
    expect((await store.getDevice())?.downloadedAt).toBe(5);
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
  });

  it('keeps working after rejection', async () => {
    const store = await openStore();
    await rejectionOf(store.replaceBatch(batch([1, 2]), newPolicies, 2));

    await store.saveProvisionedDevice(newDevice, batch([1, 2]), 3);

    expect((await store.getCurrent())?.index).toBe(1);
  });
});

describe('VaultStore.clear', () => {
  it('removes device and strings', async () => {
    const store = await openStore();
    await store.saveProvisionedDevice(newDevice, batch([1, 2, 3]), 1);

    await store.clear();

    expect(await store.getDevice()).toBeUndefined();
    expect(await store.getStrings()).toEqual([]);
    expect(await store.getCurrent()).toBeNull();
  });

  it('clears empty vault', async () => {
    const store = await openStore();

    await store.clear();

    expect(await store.getDevice()).toBeUndefined();
  });
});

describe('VaultStore shared database', () => {
  it('shows saved device to second store', async () => {
    const name = `vault-${crypto.randomUUID()}`;
    const first = await openStore(name);
    const second = await openStore(name);

    await first.saveProvisionedDevice(newDevice, batch([1, 2, 3]), 1);

    expect(await second.getDevice()).toEqual(await first.getDevice());
    expect(await second.getStrings()).toEqual(await first.getStrings());
  });

  it('shows advance to second store', async () => {
    const name = `vault-${crypto.randomUUID()}`;
    const first = await openStore(name);
    const second = await openStore(name);
    await first.saveProvisionedDevice(newDevice, batch([1, 2, 3]), 1);

    await first.advance();

    expect((await second.getCurrent())?.index).toBe(2);
  });

  it('keeps data after reopening', async () => {
    const name = `vault-${crypto.randomUUID()}`;
    const first = await openStore(name);
    await first.saveProvisionedDevice(newDevice, batch([1, 2, 3]), 1);
    await first.advance();
    first.close();

    const reopened = await openStore(name);

    expect((await reopened.getCurrent())?.index).toBe(2);
    expect((await reopened.getStrings())[0]?.used).toBe(true);
  });
});
