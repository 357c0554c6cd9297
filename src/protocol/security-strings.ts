import { ProtocolError, ProtocolErrorCode } from './protocol-error.js';

/** One security string of a batch and its index (1 to 99). */
export interface SecurityString {
  readonly index: number;
  readonly value: string;
}

/** Length of every security string. */
export const SECURITY_STRING_LENGTH = 10;

/** The highest index, because an index is always written as two digits. */
export const MAX_INDEX = 99;

/** Number of entries in a full batch: a placeholder at position 0 and indexes 1 to 99. */
export const FULL_BATCH_ENTRIES = 100;

const STRING_PATTERN = /^[0-9A-Za-z]+$/;

/**
 * Reads the `;`-separated `SecurityStrings` text of a download.
 *
 * With 100 entries, position 0 is an unused placeholder and position p is
 * index p. With 99 entries or fewer, position p is index p + 1. A trailing
 * `;` is ignored. Every string must be exactly 10 letters or digits.
 *
 * @throws ProtocolError with code `MALFORMED_BATCH` when the batch is empty,
 *   too long, or has an entry of the wrong length or alphabet.
 */
export function readSecurityStrings(text: string): SecurityString[] {
  const entries = text.trim().split(';');
  if (entries.length > 1 && entries.at(-1)?.trim() === '') entries.pop();

  const hasPlaceholder = entries.length === FULL_BATCH_ENTRIES;
  if (entries.length > FULL_BATCH_ENTRIES) {
    throw new ProtocolError(
      ProtocolErrorCode.MalformedBatch,
      `The batch has ${entries.length} entries: at most ${FULL_BATCH_ENTRIES} fit two-digit indexes.`,
    );
  }
  const strings = (hasPlaceholder ? entries.slice(1) : entries).map(
    (entry, position) => ({ index: position + 1, value: entry.trim() }),
  );
  if (
    strings.length === 0 ||
    (strings.length === 1 && strings[0]?.value === '')
  ) {
    throw new ProtocolError(
      ProtocolErrorCode.MalformedBatch,
      'The server sent no security strings.',
    );
  }
  for (const { index, value } of strings) {
    if (
      value.length !== SECURITY_STRING_LENGTH ||
      !STRING_PATTERN.test(value)
    ) {
      throw new ProtocolError(
        ProtocolErrorCode.MalformedBatch,
        `The security string at index ${formatIndex(index)} is not ${SECURITY_STRING_LENGTH} letters or digits (it has ${value.length} characters).`,
      );
    }
  }
  return strings;
}

/** Writes an index as the two digits the user types, such as `07`. */
export function formatIndex(index: number): string {
  return String(index).padStart(2, '0');
}
