import { describe, expect, it } from 'vitest';

import {
  ProtocolError,
  ProtocolErrorCode,
} from '../../src/protocol/protocol-error.js';
import {
  FULL_BATCH_ENTRIES,
  formatIndex,
  MAX_INDEX,
  readSecurityStrings,
  SECURITY_STRING_LENGTH,
} from '../../src/protocol/security-strings.js';

function thrownBy(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  throw new Error('Expected the call to throw, but it returned normally.');
}

/** Returns a distinct 10-digit string for each number, such as `0000000007`. */
function stringFor(number: number): string {
  return String(number).padStart(SECURITY_STRING_LENGTH, '0');
}

/** Returns `count` entries, from `stringFor(first)` upwards. */
function entries(count: number, first = 0): string[] {
  return Array.from({ length: count }, (_, position) =>
    stringFor(first + position),
  );
}

describe('constants', () => {
  it('fixes batch dimensions', () => {
    expect(SECURITY_STRING_LENGTH).toBe(10);
    expect(MAX_INDEX).toBe(99);
    expect(FULL_BATCH_ENTRIES).toBe(100);
  });
});

describe('readSecurityStrings', () => {
  it('skips placeholder in 100 entries', () => {
    const text = entries(100).join(';');

    const strings = readSecurityStrings(text);

    expect(strings).toHaveLength(99);
    expect(strings[0]).toEqual({ index: 1, value: stringFor(1) });
    expect(strings[98]).toEqual({ index: 99, value: stringFor(99) });
  });

  it('maps position p to index p', () => {
    const text = entries(100).join(';');

    const strings = readSecurityStrings(text);

    expect(
      strings.every(({ index, value }) => value === stringFor(index)),
    ).toBe(true);
  });

  it('accepts any placeholder text', () => {
    const text = ['', ...entries(99, 1)].join(';');

    const strings = readSecurityStrings(text);

    expect(strings).toHaveLength(99);
    expect(strings[0]).toEqual({ index: 1, value: stringFor(1) });
  });

  it('maps 99 entries to index p+1', () => {
    const text = entries(99, 1).join(';');

    const strings = readSecurityStrings(text);

    expect(strings).toHaveLength(99);
    expect(strings[0]).toEqual({ index: 1, value: stringFor(1) });
    expect(strings[98]).toEqual({ index: 99, value: stringFor(99) });
  });

  it('reads smaller batch from index 1', () => {
    const text = ['7469832160', '8375210964', '2941783065'].join(';');

    const strings = readSecurityStrings(text);

    expect(strings).toEqual([
      { index: 1, value: '7469832160' },
      { index: 2, value: '8375210964' },
      { index: 3, value: '2941783065' },
    ]);
  });

  it('reads single string', () => {
    const strings = readSecurityStrings('7469832160');

    expect(strings).toEqual([{ index: 1, value: '7469832160' }]);
  });

  it('ignores trailing separator', () => {
    const strings = readSecurityStrings('7469832160;8375210964;');

    expect(strings).toEqual([
      { index: 1, value: '7469832160' },
      { index: 2, value: '8375210964' },
    ]);
  });

  it('reads full batch with trailing separator', () => {
    const text = `${entries(100).join(';')};`;

    const strings = readSecurityStrings(text);

    expect(strings).toHaveLength(99);
    expect(strings[0]?.index).toBe(1);
    expect(strings[0]?.value).toBe(stringFor(1));
  });

  it('trims whitespace around entries', () => {
    const strings = readSecurityStrings('\n 7469832160 ;\n8375210964\n');

    expect(strings).toEqual([
      { index: 1, value: '7469832160' },
      { index: 2, value: '8375210964' },
    ]);
  });

  it('accepts letter strings', () => {
    const strings = readSecurityStrings('HRQBFSZAMT;abcdeFGHIJ');

    expect(strings.map(({ value }) => value)).toEqual([
      'HRQBFSZAMT',
      'abcdeFGHIJ',
    ]);
  });

  it('rejects 101 entries', () => {
    const error = thrownBy(() => readSecurityStrings(entries(101).join(';')));

    expect(error).toBeInstanceOf(ProtocolError);
    expect(error).toHaveProperty('code', ProtocolErrorCode.MalformedBatch);
  });

  const malformed: readonly (readonly [string, string])[] = [
    ['empty text', ''],
    ['only whitespace', '   '],
    ['only separator', ';'],
    ['short entry', '7469832160;123456789'],
    ['long entry', '7469832160;12345678901'],
    ['empty middle entry', '7469832160;;8375210964'],
    ['punctuation in entry', '7469832160;74698-2160'],
    ['space inside entry', '7469832160;7469 32160'],
    ['non-ASCII digits', '7469832160;٠١٢٣٤٥٦٧٨٩'],
    ['accented letters', '7469832160;ÀBCDEFGHIJ'],
    ['two trailing separators', '7469832160;8375210964;;'],
  ];

  for (const [label, text] of malformed) {
    it(`rejects ${label}`, () => {
      const error = thrownBy(() => readSecurityStrings(text));

      expect(error).toBeInstanceOf(ProtocolError);
      expect(error).toHaveProperty('code', ProtocolErrorCode.MalformedBatch);
    });
  }

  it('names bad index in message', () => {
    const error = thrownBy(() =>
      readSecurityStrings('7469832160;8375210964;123'),
    );

    expect(error).toHaveProperty(
      'message',
      expect.stringContaining('index 03'),
    );
  });

  it('rejects bad entry in full batch', () => {
    const batch = entries(100);
    batch[50] = 'short';

    const error = thrownBy(() => readSecurityStrings(batch.join(';')));

    expect(error).toBeInstanceOf(ProtocolError);
    expect(error).toHaveProperty('code', ProtocolErrorCode.MalformedBatch);
  });
});

describe('formatIndex', () => {
  it('pads single digit', () => {
    expect(formatIndex(1)).toBe('01');
  });

  it('pads index 6', () => {
    expect(formatIndex(6)).toBe('06');
  });

  it('keeps two digits', () => {
    expect(formatIndex(12)).toBe('12');
  });

  it('writes highest index', () => {
    expect(formatIndex(99)).toBe('99');
  });
});
