import type { Policy } from '../protocol/policies.js';
import type { ServerSettings } from '../protocol/server-settings.js';
import type { SecurityString } from '../protocol/security-strings.js';
import {
  DEVICE_KEY,
  type DeviceRecord,
  openVaultDatabase,
  type StringRecord,
  VAULT_KEY,
  type VaultDatabase,
} from './database.js';
import { migrateLegacyRecords } from './migrate-legacy.js';
import {
  createVaultKey,
  open,
  PROVISION_ID_CONTEXT,
  seal,
  stringContext,
} from './vault-crypto.js';

/** Name of the BroadcastChannel on which tabs announce vault changes. */
const CHANGE_CHANNEL = 'swivel-vault-changes';

/** A decrypted security string with its place in the batch. */
export interface PlainString {
  readonly index: number;
  readonly value: string;
  /** Whether the string has been shown. */
  readonly used: boolean;
}

/** A string handed to a view, with the counts the codes screen shows. */
export interface ShownString extends PlainString {
  /** The batch the string belongs to; a new download makes it stale. */
  readonly batchId: string;
  /** Strings of the batch that were never shown. */
  readonly remaining: number;
  /** Strings in the batch. */
  readonly total: number;
}

/** A device about to be stored, with its provision id in the clear. */
export interface NewDevice {
  readonly siteId: string;
  readonly server: ServerSettings;
  readonly agentUrl: string;
  readonly username: string;
  readonly provisionId: string;
  readonly policies: readonly Policy[];
  readonly provisionedAt: number;
}

/**
 * The vault in domain terms: one provisioned device and its batch of
 * security strings, encrypted at rest. Every method that writes resolves
 * only after its transaction has committed, every multi-step change is one
 * transaction, and encryption happens before a transaction starts, because
 * an `await` on anything but IndexedDB would commit it early.
 */
export class VaultStore {
  private listeners: BroadcastChannel | null = null;
  /** Tags this connection's change messages, so it ignores its own. */
  private readonly instanceId = crypto.randomUUID();
  /** One channel per database, so vaults in other databases stay apart. */
  private readonly channelName: string;

  private constructor(
    private readonly database: VaultDatabase,
    private readonly key: CryptoKey,
  ) {
    this.channelName = `${CHANGE_CHANNEL}:${database.name}`;
  }

  /**
   * Opens the vault in the named database, creating its key on first use
   * and encrypting records left by schema version 1.
   */
  static async open(
    name?: string,
    onVersionChange?: () => void,
  ): Promise<VaultStore> {
    const database = await openVaultDatabase(name, onVersionChange);
    const key = await loadOrCreateKey(database);
    await migrateLegacyRecords(database, key);
    return new VaultStore(database, key);
  }

  /** Closes the database connection and stops change notifications. */
  close(): void {
    this.listeners?.close();
    this.listeners = null;
    this.database.close();
  }

  /**
   * Calls `listener` whenever another tab, window or the service worker
   * changes the vault, so that every open view can follow.
   */
  onExternalChange(listener: () => void): void {
    if (typeof BroadcastChannel === 'undefined') return;
    this.listeners ??= new BroadcastChannel(this.channelName);
    this.listeners.addEventListener('message', (event: MessageEvent) => {
      if (event.data !== this.instanceId) listener();
    });
  }

  /** Returns the provisioned device, or undefined before provisioning. */
  getDevice(): Promise<DeviceRecord | undefined> {
    return this.database.get('device', DEVICE_KEY);
  }

  /** Returns the stored provision id in the clear. */
  async getProvisionId(): Promise<string> {
    const device = await this.requireDevice();
    return open(this.key, device.provisionId, PROVISION_ID_CONTEXT);
  }

  /**
   * Stores a newly provisioned device and its first batch, replacing any
   * earlier device and strings. `strings` is empty when the download failed
   * after the provision succeeded, because the old strings are then invalid.
   */
  async saveProvisionedDevice(
    device: NewDevice,
    strings: readonly SecurityString[],
    downloadedAt: number | null,
  ): Promise<void> {
    const batchId = newBatchId();
    const provisionId = await seal(
      this.key,
      device.provisionId,
      PROVISION_ID_CONTEXT,
    );
    const records = await this.sealBatch(batchId, strings);
    const record: DeviceRecord = {
      ...device,
      provisionId,
      downloadedAt,
      batchId,
      revoked: false,
      updateQueued: false,
    };

    const transaction = this.database.transaction(
      ['device', 'strings'],
      'readwrite',
    );
    const stringStore = transaction.objectStore('strings');
    await stringStore.clear();
    await Promise.all(records.map((string) => stringStore.put(string)));
    await transaction.objectStore('device').put(record, DEVICE_KEY);
    await transaction.done;
    announceChange(this.channelName, this.instanceId);
  }

  /**
   * Replaces the whole batch with `strings`, in one transaction with the
   * device's policies and download time, and clears a queued update.
   *
   * @throws Error when no device is provisioned; nothing changes then.
   */
  async replaceBatch(
    strings: readonly SecurityString[],
    policies: readonly Policy[],
    downloadedAt: number,
  ): Promise<void> {
    const batchId = newBatchId();
    const records = await this.sealBatch(batchId, strings);

    const transaction = this.database.transaction(
      ['device', 'strings'],
      'readwrite',
    );
    const deviceStore = transaction.objectStore('device');
    const device = await deviceStore.get(DEVICE_KEY);
    if (device === undefined) {
      transaction.abort();
      await transaction.done.catch(() => undefined);
      throw new Error(
        'No device is provisioned, so there is no batch to replace. Provision the device first.',
      );
    }
    const stringStore = transaction.objectStore('strings');
    await stringStore.clear();
    await Promise.all(records.map((string) => stringStore.put(string)));
    await deviceStore.put(
      { ...device, policies, downloadedAt, batchId, updateQueued: false },
      DEVICE_KEY,
    );
    await transaction.done;
    announceChange(this.channelName, this.instanceId);
  }

  /**
   * Hands out the lowest string never shown and marks it shown, in one
   * transaction, so two tabs never get the same string. Returns null when
   * every string has been shown.
   */
  async claimNext(): Promise<ShownString | null> {
    const transaction = this.database.transaction(
      ['device', 'strings'],
      'readwrite',
    );
    const device = await transaction.objectStore('device').get(DEVICE_KEY);
    const stringStore = transaction.objectStore('strings');
    const strings = await stringStore.getAll();
    const next = strings.find((string) => !string.used);
    if (device === undefined || next === undefined) {
      await transaction.done;
      return null;
    }
    const claimed = { ...next, used: true };
    await stringStore.put(claimed);
    await transaction.done;
    announceChange(this.channelName, this.instanceId);

    const remaining = strings.filter((string) => !string.used).length - 1;
    return this.describe(device.batchId, claimed, remaining, strings.length);
  }

  /**
   * Returns the string at `index` of batch `batchId`, for showing again
   * after a reload or while browsing. Returns null when that batch has been
   * replaced or the index does not exist.
   */
  async getString(batchId: string, index: number): Promise<ShownString | null> {
    const transaction = this.database.transaction(
      ['device', 'strings'],
      'readonly',
    );
    const device = await transaction.objectStore('device').get(DEVICE_KEY);
    const strings = await transaction.objectStore('strings').getAll();
    await transaction.done;
    const string = strings.find((candidate) => candidate.index === index);
    if (device?.batchId !== batchId || string === undefined) return null;
    const remaining = strings.filter((candidate) => !candidate.used).length;
    return this.describe(batchId, string, remaining, strings.length);
  }

  /**
   * Marks the string at `index` of batch `batchId` shown, for example when
   * the user browses to it. Nothing changes when that batch was replaced.
   */
  async markShown(batchId: string, index: number): Promise<void> {
    const transaction = this.database.transaction(
      ['device', 'strings'],
      'readwrite',
    );
    const device = await transaction.objectStore('device').get(DEVICE_KEY);
    const stringStore = transaction.objectStore('strings');
    const string = await stringStore.get(index);
    const current = device?.batchId === batchId && string !== undefined;
    if (current && !string.used)
      await stringStore.put({ ...string, used: true });
    await transaction.done;
    if (current) announceChange(this.channelName, this.instanceId);
  }

  /** Returns how many strings of the batch were never shown. */
  async countRemaining(): Promise<number> {
    const strings = await this.database.getAll('strings');
    return strings.filter((string) => !string.used).length;
  }

  /** Returns every string of the batch in index order, decrypted, for browsing. */
  async getStrings(): Promise<PlainString[]> {
    // One transaction, so that the batch id matches the strings even while
    // another tab replaces the batch.
    const transaction = this.database.transaction(
      ['device', 'strings'],
      'readonly',
    );
    const device = await transaction.objectStore('device').get(DEVICE_KEY);
    const strings = await transaction.objectStore('strings').getAll();
    await transaction.done;
    if (device === undefined) return [];
    return Promise.all(
      strings.map(async (string) => ({
        index: string.index,
        used: string.used,
        value: await open(
          this.key,
          string.value,
          stringContext(device.batchId, string.index),
        ),
      })),
    );
  }

  /**
   * Records that the server no longer recognises this device and removes its
   * strings, which the server has invalidated, in one transaction.
   */
  async markRevoked(): Promise<void> {
    await this.updateDevice(
      (device) => ({ ...device, revoked: true, updateQueued: false }),
      true,
    );
  }

  /** Sets or clears the request to download new strings once online. */
  async setUpdateQueued(queued: boolean): Promise<void> {
    await this.updateDevice((device) => ({ ...device, updateQueued: queued }));
  }

  /** Removes the device and its strings, in one transaction. */
  async clear(): Promise<void> {
    const transaction = this.database.transaction(
      ['device', 'strings'],
      'readwrite',
    );
    await transaction.objectStore('strings').clear();
    await transaction.objectStore('device').clear();
    await transaction.done;
    announceChange(this.channelName, this.instanceId);
  }

  private async updateDevice(
    change: (device: DeviceRecord) => DeviceRecord,
    clearStrings = false,
  ): Promise<void> {
    const transaction = this.database.transaction(
      ['device', 'strings'],
      'readwrite',
    );
    const deviceStore = transaction.objectStore('device');
    const device = await deviceStore.get(DEVICE_KEY);
    if (device !== undefined) {
      await deviceStore.put(change(device), DEVICE_KEY);
      if (clearStrings) await transaction.objectStore('strings').clear();
    }
    await transaction.done;
    if (device !== undefined) announceChange(this.channelName, this.instanceId);
  }

  private async requireDevice(): Promise<DeviceRecord> {
    const device = await this.getDevice();
    if (device === undefined) {
      throw new Error('No device is provisioned. Provision the device first.');
    }
    return device;
  }

  private sealBatch(
    batchId: string,
    strings: readonly SecurityString[],
  ): Promise<StringRecord[]> {
    return Promise.all(
      strings.map(async (string) => ({
        index: string.index,
        used: false,
        value: await seal(
          this.key,
          string.value,
          stringContext(batchId, string.index),
        ),
      })),
    );
  }

  private async describe(
    batchId: string,
    string: StringRecord,
    remaining: number,
    total: number,
  ): Promise<ShownString> {
    const value = await open(
      this.key,
      string.value,
      stringContext(batchId, string.index),
    );
    return {
      batchId,
      index: string.index,
      value,
      used: string.used,
      remaining,
      total,
    };
  }
}

/**
 * Returns the vault key, creating it on first use. A key created by another
 * tab at the same moment wins, so every tab uses one key.
 */
async function loadOrCreateKey(database: VaultDatabase): Promise<CryptoKey> {
  const existing = await database.get('keys', VAULT_KEY);
  if (existing !== undefined) return existing;

  const created = await createVaultKey();
  const transaction = database.transaction('keys', 'readwrite');
  const stored = await transaction.store.get(VAULT_KEY);
  if (stored === undefined) await transaction.store.put(created, VAULT_KEY);
  await transaction.done;
  return stored ?? created;
}

function newBatchId(): string {
  return crypto.randomUUID();
}

/**
 * Tells other tabs that the vault changed. A channel per message keeps no
 * handle open, and a message posted before `close` is still delivered.
 */
function announceChange(channelName: string, sender: string): void {
  if (typeof BroadcastChannel === 'undefined') return;
  const channel = new BroadcastChannel(channelName);
  channel.postMessage(sender);
  channel.close();
}
