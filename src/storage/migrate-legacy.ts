import {
  DEVICE_KEY,
  type DeviceRecord,
  LEGACY_DEVICE,
  LEGACY_STRINGS,
  type StringRecord,
  type VaultDatabase,
} from './database.js';
import { PROVISION_ID_CONTEXT, seal, stringContext } from './vault-crypto.js';

/** The device record as schema version 1 stored it, in the clear. */
interface DeviceRecordV1 extends Omit<
  DeviceRecord,
  'provisionId' | 'batchId' | 'revoked' | 'updateQueued'
> {
  readonly provisionId: string;
  /** The string on screen when version 1 last ran. */
  readonly currentIndex: number | null;
}

/** A string as schema version 1 stored it, in the clear. */
interface StringRecordV1 {
  readonly index: number;
  readonly value: string;
  readonly used: boolean;
}

/**
 * Encrypts the records that the upgrade from schema version 1 moved into
 * the `legacy` store, writes them back and deletes the clear copies, in one
 * transaction. When another tab finished first, this one writes nothing.
 * The string that version 1 had on screen counts as shown.
 */
export async function migrateLegacyRecords(
  database: VaultDatabase,
  key: CryptoKey,
): Promise<void> {
  const device = (await database.get('legacy', LEGACY_DEVICE)) as
    DeviceRecordV1 | undefined;
  if (device === undefined) return;
  const strings = ((await database.get('legacy', LEGACY_STRINGS)) ??
    []) as StringRecordV1[];

  const batchId = crypto.randomUUID();
  const { currentIndex, provisionId, ...rest } = device;
  const record: DeviceRecord = {
    ...rest,
    provisionId: await seal(key, provisionId, PROVISION_ID_CONTEXT),
    batchId,
    revoked: false,
    updateQueued: false,
  };
  const records: StringRecord[] = await Promise.all(
    strings.map(async (string) => ({
      index: string.index,
      used: string.used || string.index === currentIndex,
      value: await seal(
        key,
        string.value,
        stringContext(batchId, string.index),
      ),
    })),
  );

  const transaction = database.transaction(
    ['device', 'strings', 'legacy'],
    'readwrite',
  );
  const legacy = transaction.objectStore('legacy');
  if ((await legacy.get(LEGACY_DEVICE)) === undefined) {
    await transaction.done;
    return;
  }
  const stringStore = transaction.objectStore('strings');
  await Promise.all(records.map((string) => stringStore.put(string)));
  await transaction.objectStore('device').put(record, DEVICE_KEY);
  await legacy.clear();
  await transaction.done;
}
