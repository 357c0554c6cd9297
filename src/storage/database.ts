import { type DBSchema, type IDBPDatabase, openDB } from 'idb';

import type { Policy } from '../protocol/policies.js';
import type { ServerSettings } from '../protocol/server-settings.js';
import type { SealedValue } from './vault-crypto.js';

/** The name of the IndexedDB database that contains the vault. */
export const DATABASE_NAME = 'swivel-vault';

/**
 * The schema version. Raise it with a new branch in `upgrade` for every
 * change. Version 1 stored the provision id and strings in the clear;
 * version 2 encrypts them.
 */
export const DATABASE_VERSION = 2;

/** The one provisioned device this browser profile holds. */
export interface DeviceRecord {
  /** The Site ID used to look up the server, or '' when it was entered by hand. */
  readonly siteId: string;
  readonly server: ServerSettings;
  /** The URL that Agent-XML requests go to; see `agentUrlFor`. */
  readonly agentUrl: string;
  readonly username: string;
  /** The secret that downloads this user's strings, encrypted. */
  readonly provisionId: SealedValue;
  readonly policies: readonly Policy[];
  /** When the device was provisioned, in milliseconds since the epoch. */
  readonly provisionedAt: number;
  /** When the current batch was downloaded, or null before the first download. */
  readonly downloadedAt: number | null;
  /** Random id of the current batch, bound into each string's encryption. */
  readonly batchId: string;
  /** Set when the server no longer recognises the provision id. */
  readonly revoked: boolean;
  /** Set when the user asked for new strings while offline. */
  readonly updateQueued: boolean;
}

/** One stored security string. */
export interface StringRecord {
  readonly index: number;
  /** The string, encrypted with the batch id and index as context. */
  readonly value: SealedValue;
  /** Set once the string has been shown. */
  readonly used: boolean;
}

/** The single key of the `device` store, and of the vault key in `keys`. */
export const DEVICE_KEY = 'device';
export const VAULT_KEY = 'vault';

/** Keys of the `legacy` store, which contains version 1 records until they are encrypted. */
export const LEGACY_DEVICE = 'device';
export const LEGACY_STRINGS = 'strings';

export interface VaultSchema extends DBSchema {
  device: { key: typeof DEVICE_KEY; value: DeviceRecord };
  strings: { key: number; value: StringRecord };
  keys: { key: typeof VAULT_KEY; value: CryptoKey };
  legacy: { key: string; value: unknown };
}

export type VaultDatabase = IDBPDatabase<VaultSchema>;

/**
 * Opens the vault database, creating or upgrading it. When another tab needs
 * a newer version, this connection closes so that the upgrade can proceed,
 * and `onVersionChange` is called so the page can reload.
 */
export function openVaultDatabase(
  name: string = DATABASE_NAME,
  onVersionChange: () => void = () => undefined,
): Promise<VaultDatabase> {
  return openDB<VaultSchema>(name, DATABASE_VERSION, {
    async upgrade(database, oldVersion, _newVersion, transaction) {
      if (oldVersion < 1) {
        database.createObjectStore('device');
        database.createObjectStore('strings', { keyPath: 'index' });
      }
      if (oldVersion < 2) {
        database.createObjectStore('keys');
        database.createObjectStore('legacy');
      }
      if (oldVersion === 1) {
        // Encryption is asynchronous and would end this transaction, so the
        // clear version 1 records move aside here and `VaultStore.open`
        // encrypts them right after.
        const legacy = transaction.objectStore('legacy');
        const device = await transaction.objectStore('device').get(DEVICE_KEY);
        const strings = await transaction.objectStore('strings').getAll();
        if (device !== undefined) {
          await legacy.put(device, LEGACY_DEVICE);
          await legacy.put(strings, LEGACY_STRINGS);
        }
        await transaction.objectStore('device').clear();
        await transaction.objectStore('strings').clear();
      }
    },
    blocking(_currentVersion, _blockedVersion, event) {
      (event.target as IDBDatabase).close();
      onVersionChange();
    },
  });
}
