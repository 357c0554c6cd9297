import type { Policy } from '../protocol/policies.js';
import type { SecurityString } from '../protocol/security-strings.js';
import {
  DEVICE_KEY,
  type DeviceRecord,
  openVaultDatabase,
  type StringRecord,
  type VaultDatabase,
} from './database.js';

/** Name of the BroadcastChannel on which tabs announce vault changes. */
const CHANGE_CHANNEL = 'swivel-vault-changes';

/** What the codes screen shows: one string and the count after it. */
export interface CurrentString {
  readonly index: number;
  readonly value: string;
  /** Whether the string was already shown and moved past. */
  readonly used: boolean;
  /** Unused strings after the current one. */
  readonly remaining: number;
  /** Strings in the batch. */
  readonly total: number;
}

/** A device about to be stored; the store sets the batch fields. */
export type NewDevice = Omit<DeviceRecord, 'downloadedAt' | 'currentIndex'>;

/**
 * The vault in domain terms: one provisioned device and its batch of
 * security strings. Every method that writes resolves only after its
 * transaction has committed, and every multi-step change is one transaction.
 */
export class VaultStore {
  private listeners: BroadcastChannel | null = null;

  private constructor(private readonly database: VaultDatabase) {}

  /** Opens the vault in the named database. */
  static async open(name?: string): Promise<VaultStore> {
    return new VaultStore(await openVaultDatabase(name));
  }

  /** Closes the database connection and stops change notifications. */
  close(): void {
    this.listeners?.close();
    this.listeners = null;
    this.database.close();
  }

  /**
   * Calls `listener` whenever another tab or window of this app changes the
   * vault, so that every open view follows the current string.
   */
  onExternalChange(listener: () => void): void {
    if (typeof BroadcastChannel === 'undefined') return;
    this.listeners ??= new BroadcastChannel(CHANGE_CHANNEL);
    this.listeners.addEventListener('message', () => listener());
  }

  /** Returns the provisioned device, or undefined before provisioning. */
  getDevice(): Promise<DeviceRecord | undefined> {
    return this.database.get('device', DEVICE_KEY);
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
    const transaction = this.database.transaction(
      ['device', 'strings'],
      'readwrite',
    );
    const stringStore = transaction.objectStore('strings');
    await stringStore.clear();
    for (const string of strings) {
      await stringStore.put({
        index: string.index,
        value: string.value,
        used: false,
      });
    }
    await transaction
      .objectStore('device')
      .put(
        { ...device, downloadedAt, currentIndex: lowestIndex(strings) },
        DEVICE_KEY,
      );
    await transaction.done;
    announceChange();
  }

  /**
   * Replaces the whole batch with `strings` and makes its lowest index
   * current. Nothing changes when no device is stored.
   *
   * @throws Error when no device is provisioned.
   */
  async replaceBatch(
    strings: readonly SecurityString[],
    policies: readonly Policy[],
    downloadedAt: number,
  ): Promise<void> {
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
    for (const string of strings) {
      await stringStore.put({
        index: string.index,
        value: string.value,
        used: false,
      });
    }
    await deviceStore.put(
      { ...device, policies, downloadedAt, currentIndex: lowestIndex(strings) },
      DEVICE_KEY,
    );
    await transaction.done;
    announceChange();
  }

  /** Returns the string on screen, or null when none is left. */
  async getCurrent(): Promise<CurrentString | null> {
    const transaction = this.database.transaction(
      ['device', 'strings'],
      'readonly',
    );
    const device = await transaction.objectStore('device').get(DEVICE_KEY);
    const strings = await transaction.objectStore('strings').getAll();
    await transaction.done;
    return describeCurrent(device?.currentIndex ?? null, strings);
  }

  /**
   * Marks the current string used and makes the lowest unused index current,
   * in one transaction. Returns the new current string, or null when none is
   * left.
   */
  async advance(): Promise<CurrentString | null> {
    const transaction = this.database.transaction(
      ['device', 'strings'],
      'readwrite',
    );
    const deviceStore = transaction.objectStore('device');
    const stringStore = transaction.objectStore('strings');
    const device = await deviceStore.get(DEVICE_KEY);
    if (device === undefined) {
      await transaction.done;
      return null;
    }
    const current =
      device.currentIndex === null
        ? undefined
        : await stringStore.get(device.currentIndex);
    if (current !== undefined && !current.used) {
      await stringStore.put({ ...current, used: true });
    }
    const strings = await stringStore.getAll();
    const next = strings.find((string) => !string.used)?.index ?? null;
    await deviceStore.put({ ...device, currentIndex: next }, DEVICE_KEY);
    await transaction.done;
    announceChange();
    return describeCurrent(next, strings);
  }

  /** Returns every string of the batch in index order, for browsing. */
  async getStrings(): Promise<StringRecord[]> {
    return this.database.getAll('strings');
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
    announceChange();
  }
}

/**
 * Tells other tabs that the vault changed. A channel per message keeps no
 * handle open, and a message posted before `close` is still delivered.
 */
function announceChange(): void {
  if (typeof BroadcastChannel === 'undefined') return;
  const channel = new BroadcastChannel(CHANGE_CHANNEL);
  channel.postMessage('changed');
  channel.close();
}

function lowestIndex(strings: readonly SecurityString[]): number | null {
  if (strings.length === 0) return null;
  return Math.min(...strings.map((string) => string.index));
}

function describeCurrent(
  currentIndex: number | null,
  strings: readonly StringRecord[],
): CurrentString | null {
  const current = strings.find((string) => string.index === currentIndex);
  if (current === undefined) return null;
  const remaining = strings.filter(
    (string) => !string.used && string.index > current.index,
  ).length;
  return { ...current, remaining, total: strings.length };
}
