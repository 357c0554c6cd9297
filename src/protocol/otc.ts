import { ProtocolError, ProtocolErrorCode } from './protocol-error.js';
import { formatIndex } from './security-strings.js';

/** A PIN has 4 to 10 digits. */
export const PIN_PATTERN = /^\d{4,10}$/;

/** The form in which the index follows the code: `nnnnnn` from Swivel 3.10 on, `nnnn,nn` before. */
export type CodeFormat = 'plain' | 'comma';

/** Returns whether `pin` is 4 to 10 digits. */
export function isValidPin(pin: string): boolean {
  return PIN_PATTERN.test(pin);
}

/**
 * Extracts the one-time code: for each PIN digit d, the character at
 * position d of the string, where 0 means position 10.
 *
 * @throws ProtocolError with code `INVALID_VALUE` when the PIN is not 4 to 10
 *   digits or the string is shorter than 10 characters.
 */
export function extractOtc(securityString: string, pin: string): string {
  if (!isValidPin(pin)) {
    throw new ProtocolError(
      ProtocolErrorCode.InvalidValue,
      'The PIN must be 4 to 10 digits.',
    );
  }
  if (securityString.length < 10) {
    throw new ProtocolError(
      ProtocolErrorCode.InvalidValue,
      `The security string has ${securityString.length} characters: expected 10.`,
    );
  }
  return [...pin]
    .map((digit) =>
      securityString.charAt(digit === '0' ? 9 : Number(digit) - 1),
    )
    .join('');
}

/** Appends the two-digit index to a one-time code, as the user types it. */
export function formatTypedCode(
  otc: string,
  index: number,
  format: CodeFormat = 'plain',
): string {
  const separator = format === 'comma' ? ',' : '';
  return `${otc}${separator}${formatIndex(index)}`;
}

/** A typed code split into the extracted characters and the index. */
export interface TypedCode {
  readonly otc: string;
  readonly index: number;
}

/**
 * Splits a typed code in either accepted form, `nnnnnn` or `nnnn,nn`.
 * Returns null when the text is neither form, for example an SMS code
 * without an index, or when the index is `00`, which no batch has.
 */
export function parseTypedCode(typed: string): TypedCode | null {
  const text = typed.trim();
  const comma = text.indexOf(',');
  const otc = comma >= 0 ? text.slice(0, comma) : text.slice(0, -2);
  const index = comma >= 0 ? text.slice(comma + 1) : text.slice(-2);
  if (!/^[0-9A-Za-z]{4,10}$/.test(otc) || !/^\d\d$/.test(index)) return null;
  if (index === '00') return null;
  return { otc, index: Number(index) };
}
