import { afterEach, describe, expect, it } from 'vitest';

import { TabStrings } from '../../src/app/tab-strings.js';
import type { SecurityString } from '../../src/protocol/security-strings.js';
import type { NewDevice } from '../../src/storage/vault-store.js';
import { VaultStore } from '../../src/storage/vault-store.js';

/** A Storage kept in memory, standing in for one tab's sessionStorage. */
class MemoryStorage implements Storage {
  [name: string]: unknown;

  private readonly items = new Map<string, string>();

  get length(): number {
    return this.items.size;
  }

  clear(): void {
    this.items.clear();
  }

  getItem(key: string): string | null {
    return this.items.get(key) ?? null;
  }

  key(index: number): string | null {
    return [...this.items.keys()][index] ?? null;
  }

  removeItem(key: string): void {
    this.items.delete(key);
  }

  setItem(key: string, value: string): void {
    this.items.set(key, String(value));
  }
}

const openStores: VaultStore[] = [];

function databaseName(): string {
  return `vault-${crypto.randomUUID()}`;
}

async function openStore(name = databaseName()): Promise<VaultStore> {
  const store = await VaultStore.open(name);
  openStores.push(store);
  return store;
}

afterEach(() => {
  for (const store of openStores.splice(0)) store.close();
});

const device: NewDevice = {
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
};

/** Builds strings 1 to `count`, each value starting with `prefix` so batches differ. */
function batch(count: number, prefix = 'A'): SecurityString[] {
  return Array.from({ length: count }, (_, offset) => ({
    index: offset + 1,
    value: `${prefix}${String(offset + 1).padStart(9, '0')}`,
  }));
}

/** Opens a store holding a provisioned device and `count` unused strings. */
async function provisionedStore(
  count = 99,
  name?: string,
): Promise<VaultStore> {
  const store = await openStore(name);
  await store.saveProvisionedDevice(device, batch(count), 1);
  return store;
}

function storedEntries(storage: Storage): string[] {
  return Array.from({ length: storage.length }, (_, position) => {
    const key = storage.key(position) ?? '';
    return `${key}=${storage.getItem(key) ?? ''}`;
  });
}

describe('TabStrings.open', () => {
  it('claims when nothing remembered', async () => {
    const store = await provisionedStore();
    const tab = new TabStrings(store, new MemoryStorage());

    const shown = await tab.open();

    expect(shown?.index).toBe(1);
    expect(shown?.value).toBe('A000000001');
    expect(shown?.used).toBe(true);
    expect(await store.countRemaining()).toBe(98);
  });

  it('returns same string after reload', async () => {
    const store = await provisionedStore();
    const storage = new MemoryStorage();
    const first = await new TabStrings(store, storage).open();

    const reloaded = await new TabStrings(store, storage).open();

    expect(reloaded).toEqual(first);
    expect(await store.countRemaining()).toBe(98);
  });

  it('returns same string after store reopens', async () => {
    const name = databaseName();
    const store = await provisionedStore(99, name);
    const storage = new MemoryStorage();
    const first = await new TabStrings(store, storage).open();
    store.close();
    const reopened = await openStore(name);

    const reloaded = await new TabStrings(reopened, storage).open();

    expect(reloaded?.index).toBe(first?.index);
    expect(reloaded?.value).toBe(first?.value);
    expect(await reopened.countRemaining()).toBe(98);
  });

  it('gives tabs different strings', async () => {
    const store = await provisionedStore();
    const firstTab = new TabStrings(store, new MemoryStorage());
    const secondTab = new TabStrings(store, new MemoryStorage());

    const first = await firstTab.open();
    const second = await secondTab.open();

    expect(first?.index).toBe(1);
    expect(second?.index).toBe(2);
  });

  it('gives concurrent tabs different strings', async () => {
    const name = databaseName();
    const store = await provisionedStore(99, name);
    const other = await openStore(name);
    const tabs = Array.from({ length: 10 }, (_, tab) =>
      tab % 2 === 0
        ? new TabStrings(store, new MemoryStorage())
        : new TabStrings(other, new MemoryStorage()),
    );

    const shown = await Promise.all(tabs.map((tab) => tab.open()));

    const indexes = shown.map((string) => string?.index);
    expect(new Set(indexes).size).toBe(10);
    expect(indexes).not.toContain(undefined);
  });

  it('claims from new batch', async () => {
    const store = await provisionedStore();
    const storage = new MemoryStorage();
    await new TabStrings(store, storage).open();
    await store.replaceBatch(batch(99, 'B'), [], 2);

    const shown = await new TabStrings(store, storage).open();

    expect(shown?.batchId).toBe((await store.getDevice())?.batchId);
    expect(shown?.index).toBe(1);
    expect(shown?.value).toBe('B000000001');
    expect(await store.countRemaining()).toBe(98);
  });

  it('follows batch replaced elsewhere', async () => {
    const name = databaseName();
    const store = await provisionedStore(99, name);
    const other = await openStore(name);
    const tab = new TabStrings(store, new MemoryStorage());
    await tab.open();
    await other.replaceBatch(batch(99, 'B'), [], 2);

    const shown = await tab.open();

    expect(shown?.value).toBe('B000000001');
  });

  it('keeps last string when exhausted', async () => {
    const store = await provisionedStore(1);
    const tab = new TabStrings(store, new MemoryStorage());
    const first = await tab.open();

    const again = await tab.open();

    expect(again).toEqual(first);
    expect(again?.remaining).toBe(0);
  });

  it('returns null without device', async () => {
    const store = await openStore();
    const storage = new MemoryStorage();

    const shown = await new TabStrings(store, storage).open();

    expect(shown).toBeNull();
    expect(storage.length).toBe(0);
  });

  it('returns null after clear', async () => {
    const store = await provisionedStore();
    const tab = new TabStrings(store, new MemoryStorage());
    await tab.open();
    await store.clear();

    const shown = await tab.open();

    expect(shown).toBeNull();
    expect(tab.hasString()).toBe(false);
  });

  it('treats damaged entry as none', async () => {
    const store = await provisionedStore();
    const storage = new MemoryStorage();
    await new TabStrings(store, storage).open();
    const key = storage.key(0) ?? '';
    storage.setItem(key, '{"batchId": 7');

    const tab = new TabStrings(store, storage);
    const shown = await tab.open();

    expect(shown?.index).toBe(2);
    expect(tab.hasString()).toBe(true);
  });

  it('treats wrong shape as none', async () => {
    const store = await provisionedStore();
    const storage = new MemoryStorage();
    await new TabStrings(store, storage).open();
    const key = storage.key(0) ?? '';
    storage.setItem(key, JSON.stringify({ batchId: 7, index: '1' }));

    const tab = new TabStrings(store, storage);
    const hadString = tab.hasString();
    const shown = await tab.open();

    expect(hadString).toBe(false);
    expect(shown?.index).toBe(2);
  });
});

describe('TabStrings.next', () => {
  it('claims next string', async () => {
    const store = await provisionedStore();
    const tab = new TabStrings(store, new MemoryStorage());
    await tab.open();

    const next = await tab.next();

    expect(next?.index).toBe(2);
    expect(next?.used).toBe(true);
    expect(await store.countRemaining()).toBe(97);
  });

  it('remembers claimed string', async () => {
    const store = await provisionedStore();
    const storage = new MemoryStorage();
    const tab = new TabStrings(store, storage);
    await tab.open();
    await tab.next();

    const reloaded = await new TabStrings(store, storage).open();

    expect(reloaded?.index).toBe(2);
    expect(await store.countRemaining()).toBe(97);
  });

  it('skips strings other tabs claimed', async () => {
    const store = await provisionedStore();
    const tab = new TabStrings(store, new MemoryStorage());
    const other = new TabStrings(store, new MemoryStorage());
    await tab.open();
    await other.open();

    const next = await tab.next();

    expect(next?.index).toBe(3);
  });

  it('stores batch id and index only', async () => {
    const store = await provisionedStore();
    const storage = new MemoryStorage();

    const shown = await new TabStrings(store, storage).next();

    const entries = storedEntries(storage);
    expect(entries).toHaveLength(1);
    expect(entries.join('\n')).not.toContain(shown?.value ?? '');
    expect(JSON.parse(storage.getItem(storage.key(0) ?? '') ?? '')).toEqual({
      batchId: shown?.batchId,
      index: shown?.index,
    });
  });

  it('returns null when exhausted', async () => {
    const store = await provisionedStore(1);
    const tab = new TabStrings(store, new MemoryStorage());
    await tab.open();

    const next = await tab.next();

    expect(next).toBeNull();
  });

  it('forgets string when exhausted', async () => {
    const store = await provisionedStore(1);
    const storage = new MemoryStorage();
    const tab = new TabStrings(store, storage);
    await tab.open();

    await tab.next();

    expect(tab.hasString()).toBe(false);
    expect(storage.length).toBe(0);
  });
});

describe('TabStrings.forget', () => {
  it('makes open claim anew', async () => {
    const store = await provisionedStore();
    const tab = new TabStrings(store, new MemoryStorage());
    await tab.open();

    tab.forget();
    const shown = await tab.open();

    expect(shown?.index).toBe(2);
    expect(await store.countRemaining()).toBe(97);
  });

  it('clears remembered string', async () => {
    const store = await provisionedStore();
    const storage = new MemoryStorage();
    const tab = new TabStrings(store, storage);
    await tab.open();

    tab.forget();

    expect(tab.hasString()).toBe(false);
    expect(storage.length).toBe(0);
  });
});

describe('TabStrings.hasString', () => {
  it('is false for new tab', async () => {
    const store = await provisionedStore();

    const tab = new TabStrings(store, new MemoryStorage());

    expect(tab.hasString()).toBe(false);
  });

  it('is true after open', async () => {
    const store = await provisionedStore();
    const tab = new TabStrings(store, new MemoryStorage());

    await tab.open();

    expect(tab.hasString()).toBe(true);
  });

  it('survives reload', async () => {
    const store = await provisionedStore();
    const storage = new MemoryStorage();
    await new TabStrings(store, storage).open();

    const reloaded = new TabStrings(store, storage);

    expect(reloaded.hasString()).toBe(true);
  });
});
