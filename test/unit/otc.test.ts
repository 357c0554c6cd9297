import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import {
  extractOtc,
  formatTypedCode,
  isValidPin,
  parseTypedCode,
  PIN_PATTERN,
} from '../../src/protocol/otc.js';
import {
  ProtocolError,
  ProtocolErrorCode,
} from '../../src/protocol/protocol-error.js';

function thrownBy(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  throw new Error('Expected the call to throw, but it returned normally.');
}

describe('extractOtc', () => {
  const examples: readonly (readonly [string, string, string])[] = [
    ['7469832160', '1234', '7469'],
    ['HRQBFSZAMT', '9371', 'MQZH'],
    ['8375210964', '7890', '0964'],
    ['0123456789', '9132', '8021'],
    ['2941783065', '3759', '4376'],
  ];

  for (const [string, pin, otc] of examples) {
    it(`PIN ${pin} on ${string} gives ${otc}`, () => {
      expect(extractOtc(string, pin)).toBe(otc);
    });
  }

  it('reads digit 0 as position 10', () => {
    expect(extractOtc('ABCDEFGHIJ', '0000')).toBe('JJJJ');
  });

  it('uses every digit of 10-digit PIN', () => {
    expect(extractOtc('ABCDEFGHIJ', '1234567890')).toBe('ABCDEFGHIJ');
  });

  it('returns one character per PIN digit', () => {
    fc.assert(
      fc.property(
        fc.stringMatching(/^[0-9A-Z]{10}$/),
        fc.stringMatching(/^\d{4,10}$/),
        (string, pin) => {
          const otc = extractOtc(string, pin);

          expect(otc).toHaveLength(pin.length);
        },
      ),
    );
  });

  const invalidPins = [
    '',
    '123',
    '12345678901',
    '12a4',
    ' 1234',
    '1234 ',
    '12.4',
    '-123',
    '１２３４',
  ];

  for (const pin of invalidPins) {
    it(`rejects PIN ${JSON.stringify(pin)}`, () => {
      const error = thrownBy(() => extractOtc('7469832160', pin));

      expect(error).toBeInstanceOf(ProtocolError);
      expect(error).toHaveProperty('code', ProtocolErrorCode.InvalidValue);
    });
  }

  it('rejects short security string', () => {
    const error = thrownBy(() => extractOtc('746983216', '1234'));

    expect(error).toBeInstanceOf(ProtocolError);
    expect(error).toHaveProperty('code', ProtocolErrorCode.InvalidValue);
  });
});

describe('isValidPin', () => {
  for (const pin of ['1234', '0000', '1234567890', '98765']) {
    it(`accepts ${pin}`, () => {
      expect(isValidPin(pin)).toBe(true);
    });
  }

  for (const pin of ['', '123', '12345678901', 'abcd', '12 34', '1234\n']) {
    it(`rejects ${JSON.stringify(pin)}`, () => {
      expect(isValidPin(pin)).toBe(false);
    });
  }

  it('exports 4 to 10 digit pattern', () => {
    expect(PIN_PATTERN.test('1234')).toBe(true);
    expect(PIN_PATTERN.test('123')).toBe(false);
  });
});

describe('formatTypedCode', () => {
  it('appends index plainly by default', () => {
    expect(formatTypedCode('4376', 12)).toBe('437612');
  });

  it('pads single-digit index', () => {
    expect(formatTypedCode('8021', 6)).toBe('802106');
  });

  it('writes plain format', () => {
    expect(formatTypedCode('4376', 12, 'plain')).toBe('437612');
  });

  it('writes comma format', () => {
    expect(formatTypedCode('4376', 12, 'comma')).toBe('4376,12');
  });

  it('pads index in comma format', () => {
    expect(formatTypedCode('8021', 6, 'comma')).toBe('8021,06');
  });

  it('gives documented typed code', () => {
    const otc = extractOtc('0123456789', '9132');

    expect(formatTypedCode(otc, 6)).toBe('802106');
  });

  it('gives typed code for PIN 3759', () => {
    const otc = extractOtc('2941783065', '3759');

    expect(formatTypedCode(otc, 12)).toBe('437612');
  });
});

describe('parseTypedCode', () => {
  it('splits plain form', () => {
    expect(parseTypedCode('437612')).toEqual({ otc: '4376', index: 12 });
  });

  it('splits comma form', () => {
    expect(parseTypedCode('4376,12')).toEqual({ otc: '4376', index: 12 });
  });

  it('reads leading-zero index', () => {
    expect(parseTypedCode('802106')).toEqual({ otc: '8021', index: 6 });
  });

  it('trims surrounding whitespace', () => {
    expect(parseTypedCode('  437612\n')).toEqual({ otc: '4376', index: 12 });
  });

  it('accepts letter codes', () => {
    expect(parseTypedCode('MQZH07')).toEqual({ otc: 'MQZH', index: 7 });
  });

  it('accepts 10-character code', () => {
    expect(parseTypedCode('ABCDEFGHIJ,99')).toEqual({
      otc: 'ABCDEFGHIJ',
      index: 99,
    });
  });

  const rejected: readonly (readonly [string, string])[] = [
    ['empty text', ''],
    ['code without index', '4376'],
    ['comma without index', '4376,'],
    ['one-digit index', '4376,1'],
    ['three-digit index', '4376,123'],
    ['letter in index', '4376,1A'],
    ['too short code', '43712'],
    ['too long code', 'ABCDEFGHIJK,12'],
    ['punctuation in code', '43-612'],
    ['space inside', '4376 12'],
    ['two commas', '4376,,12'],
  ];

  for (const [label, typed] of rejected) {
    it(`rejects ${label}`, () => {
      expect(parseTypedCode(typed)).toBeNull();
    });
  }

  it('inverts formatTypedCode in both forms', () => {
    fc.assert(
      fc.property(
        fc.stringMatching(/^[0-9A-Za-z]{4,10}$/),
        fc.integer({ min: 1, max: 99 }),
        fc.constantFrom('plain' as const, 'comma' as const),
        (otc, index, format) => {
          const parsed = parseTypedCode(formatTypedCode(otc, index, format));

          expect(parsed).toEqual({ otc, index });
        },
      ),
    );
  });
});
