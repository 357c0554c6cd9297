import { type DBSchema, type IDBPDatabase, openDB } from 'idb';

import type { Policy } from '../protocol/policies.js';
import type { ServerSettings } from '../protocol/server-settings.js';

/** The name of the IndexedDB database that holds the vault. */
export const DATABASE_NAME = 'swivel-vault';

/** The schema version. Raise it with a new branch in `upgrade` for every change. */
export const DATABASE_VERSION = 1;

/** The one provisioned device this browser profile holds. */
export interface DeviceRecord {
  /** The Site ID used to look up the server, or '' when it was entered by hand. */
  readonly siteId: string;
  readonly server: ServerSettings;
  /** Where Agent-XML requests go; see `agentUrlFor`. */
  readonly agentUrl: string;
  readonly username: string;
  /** The secret that downloads this user's strings. */
  readonly provisionId: string;
  readonly policies: readonly Policy[];
  /** When the device was provisioned, in milliseconds since the epoch. */
  readonly provisionedAt: number;
  /** When the current batch was downloaded, or null before the first download. */
  readonly downloadedAt: number | null;
  /** The index of the string on screen, or null when none is left. */
  readonly currentIndex: number | null;
}

/** One stored security string. */
export interface StringRecord {
  readonly index: number;
  readonly value: string;
  /** Set once the string has been shown and the app moved past it. */
  readonly used: boolean;
}

/** The single key of the `device` store. */
export const DEVICE_KEY = 'device';

export interface VaultSchema extends DBSchema {
  device: { key: typeof DEVICE_KEY; value: DeviceRecord };
  strings: { key: number; value: StringRecord };
}

export type VaultDatabase = IDBPDatabase<VaultSchema>;

/**
 * Opens the vault database, creating or upgrading it. When another tab needs
 * a newer version, this connection closes so that the upgrade can proceed.
 */
export function openVaultDatabase(
  name: string = DATABASE_NAME,
): Promise<VaultDatabase> {
  return openDB<VaultSchema>(name, DATABASE_VERSION, {
    upgrade(database, oldVersion) {
      if (oldVersion < 1) {
        database.createObjectStore('device');
        database.createObjectStore('strings', { keyPath: 'index' });
      }
    },
    blocking(_currentVersion, _blockedVersion, event) {
      (event.target as IDBDatabase).close();
    },
  });
}
