import { openDB } from 'idb';

/**
 * Helpers that read the vault's IndexedDB records as stored, to check that
 * no secret is kept in the clear.
 */

export interface RawRecord {
  readonly store: string;
  readonly key: IDBValidKey;
  readonly value: unknown;
}

/** Reads every key and value of every object store of database `name`. */
export async function readRawRecords(name: string): Promise<RawRecord[]> {
  const database = await openDB(name);
  try {
    const storeNames = [...database.objectStoreNames];
    const transaction = database.transaction(storeNames);
    const records: RawRecord[] = [];
    for (const storeName of storeNames) {
      const store = transaction.objectStore(storeName);
      const keys = await store.getAllKeys();
      const values = await store.getAll();
      keys.forEach((key, position) => {
        records.push({ store: storeName, key, value: values[position] });
      });
    }
    await transaction.done;
    return records;
  } finally {
    database.close();
  }
}

function containsBytes(haystack: Uint8Array, needle: Uint8Array): boolean {
  for (let start = 0; start + needle.length <= haystack.length; start += 1) {
    if (needle.every((byte, offset) => haystack[start + offset] === byte)) {
      return true;
    }
  }
  return false;
}

function utf16Bytes(text: string): Uint8Array {
  const bytes = new Uint8Array(text.length * 2);
  for (let position = 0; position < text.length; position += 1) {
    const unit = text.charCodeAt(position);
    bytes[position * 2] = unit & 0xff;
    bytes[position * 2 + 1] = unit >> 8;
  }
  return bytes;
}

/**
 * Returns the paths inside `value` where `text` occurs: in a string, a
 * property name, or the bytes of an ArrayBuffer or typed array read as UTF-8
 * or UTF-16. A CryptoKey cannot be read and is skipped.
 */
function findText(value: unknown, text: string, path = '$'): string[] {
  if (typeof value === 'string') return value.includes(text) ? [path] : [];
  if (typeof value === 'number' || typeof value === 'bigint') {
    return String(value).includes(text) ? [path] : [];
  }
  if (value instanceof ArrayBuffer || ArrayBuffer.isView(value)) {
    const bytes =
      value instanceof ArrayBuffer
        ? new Uint8Array(value)
        : new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
    const found =
      new TextDecoder().decode(bytes).includes(text) ||
      containsBytes(bytes, new TextEncoder().encode(text)) ||
      containsBytes(bytes, utf16Bytes(text));
    return found ? [path] : [];
  }
  if (value instanceof CryptoKey) return [];
  if (typeof value !== 'object' || value === null) return [];
  return Object.entries(value).flatMap(([name, child]) => [
    ...(name.includes(text) ? [`${path} key ${name}`] : []),
    ...findText(child, text, `${path}.${name}`),
  ]);
}

/** Lists every place in `records` where one of `texts` occurs in the clear. */
export function findLeaks(
  records: readonly RawRecord[],
  texts: readonly string[],
): string[] {
  return texts.flatMap((text) =>
    records.flatMap((record) => [
      ...findText(record.key, text, `${record.store} key`),
      ...findText(record.value, text, `${record.store}[${String(record.key)}]`),
    ]),
  );
}
