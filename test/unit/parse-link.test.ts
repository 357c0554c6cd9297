import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import {
  LinkError,
  parseLink,
  type ParsedLink,
  PROTOCOL_SCHEME,
} from '../../src/link/parse-link.js';

function thrownBy(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  throw new Error('Expected the call to throw, but it returned normally.');
}

/** Encodes the UTF-8 bytes of `text` as standard Base64, with `=` padding. */
function base64(text: string): string {
  const bytes = new TextEncoder().encode(text);
  return btoa(String.fromCharCode(...bytes));
}

/** Encodes the UTF-8 bytes of `text` as URL-safe Base64, with `=` padding. */
function base64Url(text: string): string {
  return base64(text).replace(/\+/g, '-').replace(/\//g, '_');
}

function withoutPadding(text: string): string {
  return text.replace(/=+$/, '');
}

interface Triple {
  readonly siteId: string;
  readonly username: string;
  readonly code: string;
}

const alice: Triple = {
  siteId: 'acme-01',
  username: 'alice',
  code: '4825930167',
};

function completePath({ siteId, username, code }: Triple): string {
  const encode = encodeURIComponent;
  return `/smc/complete/${encode(siteId)}/${encode(username)}/${encode(code)}`;
}

function query({ siteId, username, code }: Triple): string {
  const params = new URLSearchParams({ siteid: siteId, username, code });
  return `?${params.toString()}`;
}

/** Encodes all three fields in every documented form, keyed by form name. */
function encodings(triple: Triple): [string, string][] {
  const https = `https://swivel.example.com${completePath(triple)}`;
  const swivelLink = `web+swivel://${completePath(triple).slice(1)}`;
  const plain: [string, string][] = [
    ['complete URL', https],
    ['complete path', completePath(triple)],
    ['complete path without slash', completePath(triple).slice(1)],
    [
      'complete path under prefix',
      `https://host.example/portal${completePath(triple)}`,
    ],
    ['query on activate', `https://pwa.example/activate${query(triple)}`],
    ['query on root', `https://pwa.example/${query(triple)}`],
    ['query without path', query(triple)],
    ['web+swivel with slashes', swivelLink],
    [
      'web+swivel without slashes',
      `web+swivel:${completePath(triple).slice(1)}`,
    ],
    ['web+swivel with path slash', `web+swivel:${completePath(triple)}`],
    ['web+swivel carrying https', `web+swivel:${https}`],
    ['web+swivel carrying query', `web+swivel:${query(triple)}`],
    [
      'nested web+swivel link',
      `https://pwa.example/activate?link=${encodeURIComponent(swivelLink)}`,
    ],
    ['nested https link', `/activate?url=${encodeURIComponent(https)}`],
  ];
  const encoded: [string, string][] = plain.flatMap(([name, link]) => [
    [`Base64 of ${name}`, base64(link)],
    [`unpadded Base64 of ${name}`, withoutPadding(base64(link))],
    [`URL-safe Base64 of ${name}`, base64Url(link)],
    [`unpadded URL-safe Base64 of ${name}`, withoutPadding(base64Url(link))],
  ]);
  return [...plain, ...encoded];
}

describe('parseLink complete path', () => {
  it('reads all three fields', () => {
    const link = parseLink(
      'https://swivel.example.com/smc/complete/acme-01/alice/4825930167',
    );

    expect(link).toEqual({
      kind: 'provision',
      siteId: 'acme-01',
      username: 'alice',
      code: '4825930167',
    });
  });

  it('reads path without origin', () => {
    const link = parseLink('/smc/complete/acme-01/alice/4825930167');

    expect(link).toEqual({ kind: 'provision', ...alice });
  });

  it('matches path names ignoring case', () => {
    const link = parseLink(
      'https://h.example/SMC/Complete/acme-01/alice/4825930167',
    );

    expect(link).toEqual({ kind: 'provision', ...alice });
  });

  it('accepts trailing slash', () => {
    const link = parseLink(
      'https://h.example/smc/complete/acme-01/alice/4825930167/',
    );

    expect(link).toEqual({ kind: 'provision', ...alice });
  });

  it('keeps encoded slash inside field', () => {
    const link = parseLink('/smc/complete/acme%2F01/al%2Fice/48%2F25');

    expect(link).toEqual({
      kind: 'provision',
      siteId: 'acme/01',
      username: 'al/ice',
      code: '48/25',
    });
  });

  it('decodes percent-encoding only once', () => {
    const link = parseLink('/smc/complete/acme/%2541/%252F');

    expect(link).toHaveProperty('username', '%41');
    expect(link).toHaveProperty('code', '%2F');
  });

  it('keeps plus sign in segment', () => {
    const link = parseLink('/smc/complete/acme/alice+bob/12+34');

    expect(link).toHaveProperty('username', 'alice+bob');
    expect(link).toHaveProperty('code', '12+34');
  });

  it('reads encoded unicode username', () => {
    const link = parseLink('/smc/complete/acme/j%C3%B6rg%20m%C3%BCller/1234');

    expect(link).toHaveProperty('username', 'jörg müller');
  });

  it('reads raw unicode username', () => {
    const link = parseLink('https://h.example/smc/complete/acme/佐藤/1234');

    expect(link).toHaveProperty('username', '佐藤');
  });

  it('reads email username', () => {
    const link = parseLink('/smc/complete/acme/alice%40example.com/1234');

    expect(link).toHaveProperty('username', 'alice@example.com');
  });

  it('reads partial complete path', () => {
    const link = parseLink('/smc/complete/acme-01');

    expect(link).toEqual({ kind: 'provision', siteId: 'acme-01' });
  });

  // The path is read by position after dropping empty segments, so an empty
  // Site ID moves the username into siteId and the code into username.
  it('keeps empty Site ID in position', () => {
    const link = parseLink('/smc/complete//alice/4825930167');

    expect(link).toEqual({
      kind: 'provision',
      username: 'alice',
      code: '4825930167',
    });
  });

  it('prefers path over query keys', () => {
    const link = parseLink('/smc/complete/acme/alice/1111?code=2222&user=bob');

    expect(link).toHaveProperty('code', '1111');
    expect(link).toHaveProperty('username', 'alice');
  });
});

describe('parseLink getsettings and provision', () => {
  it('reads Site ID from getsettings', () => {
    const link = parseLink(
      'https://swivel.example.com/smc/getsettings/acme-01',
    );

    expect(link).toEqual({ kind: 'provision', siteId: 'acme-01' });
  });

  it('reads code from provision', () => {
    const link = parseLink(
      'https://swivel.example.com/smc/provision/4825930167',
    );

    expect(link).toEqual({ kind: 'provision', code: '4825930167' });
  });

  it('decodes provision code segment', () => {
    const link = parseLink('/smc/provision/AB%2BC%20D');

    expect(link).toEqual({ kind: 'provision', code: 'AB+C D' });
  });

  it('adds query fields to getsettings', () => {
    const link = parseLink(
      '/smc/getsettings/acme-01?username=alice&code=4825930167',
    );

    expect(link).toEqual({ kind: 'provision', ...alice });
  });

  it('reads getsettings under prefix', () => {
    const link = parseLink('https://h.example/swivel/smc/getsettings/acme-01');

    expect(link).toEqual({ kind: 'provision', siteId: 'acme-01' });
  });
});

describe('parseLink query keys', () => {
  for (const key of ['siteid', 'siteId', 'id']) {
    it(`reads Site ID from ${key}`, () => {
      const link = parseLink(`https://pwa.example/activate?${key}=acme-01`);

      expect(link).toEqual({ kind: 'provision', siteId: 'acme-01' });
    });
  }

  for (const key of ['username', 'user']) {
    it(`reads username from ${key}`, () => {
      const link = parseLink(`https://pwa.example/activate?${key}=alice`);

      expect(link).toEqual({ kind: 'provision', username: 'alice' });
    });
  }

  for (const key of ['code', 'provisioncode', 'ProvisionCode']) {
    it(`reads code from ${key}`, () => {
      const link = parseLink(`https://pwa.example/activate?${key}=4825930167`);

      expect(link).toEqual({ kind: 'provision', code: '4825930167' });
    });
  }

  it('reads keys on any path', () => {
    const link = parseLink(
      'https://portal.example/some/page?id=acme-01&user=alice&provisioncode=4825930167',
    );

    expect(link).toEqual({ kind: 'provision', ...alice });
  });

  it('prefers siteid over id', () => {
    const link = parseLink('/activate?id=second&siteid=first');

    expect(link).toHaveProperty('siteId', 'first');
  });

  it('skips empty key values', () => {
    const link = parseLink('/activate?siteid=&siteId=%20&id=acme-01');

    expect(link).toHaveProperty('siteId', 'acme-01');
  });

  it('decodes query values', () => {
    const link = parseLink('/activate?username=alice%40example.com&code=a%2Bb');

    expect(link).toHaveProperty('username', 'alice@example.com');
    expect(link).toHaveProperty('code', 'a+b');
  });

  it('trims query values', () => {
    const link = parseLink('/activate?username=%20alice%20');

    expect(link).toHaveProperty('username', 'alice');
  });
});

describe('parseLink web+swivel links', () => {
  it('exports protocol scheme', () => {
    expect(PROTOCOL_SCHEME).toBe('web+swivel:');
  });

  it('reads complete form with slashes', () => {
    const link = parseLink(
      'web+swivel://smc/complete/acme-01/alice/4825930167',
    );

    expect(link).toEqual({ kind: 'provision', ...alice });
  });

  it('reads complete form without slashes', () => {
    const link = parseLink('web+swivel:smc/complete/acme-01/alice/4825930167');

    expect(link).toEqual({ kind: 'provision', ...alice });
  });

  it('reads getsettings form', () => {
    const link = parseLink('web+swivel://smc/getsettings/acme-01');

    expect(link).toEqual({ kind: 'provision', siteId: 'acme-01' });
  });

  it('reads provision form', () => {
    const link = parseLink('web+swivel:/smc/provision/4825930167');

    expect(link).toEqual({ kind: 'provision', code: '4825930167' });
  });

  it('reads query form', () => {
    const link = parseLink(
      'web+swivel:?siteId=acme-01&user=alice&ProvisionCode=4825930167',
    );

    expect(link).toEqual({ kind: 'provision', ...alice });
  });

  it('reads carried https URL', () => {
    const link = parseLink(
      'web+swivel:https://swivel.example.com/smc/complete/acme-01/alice/4825930167',
    );

    expect(link).toEqual({ kind: 'provision', ...alice });
  });

  it('reads carried https URL after slashes', () => {
    const link = parseLink(
      'web+swivel://https://swivel.example.com/smc/getsettings/acme-01',
    );

    expect(link).toEqual({ kind: 'provision', siteId: 'acme-01' });
  });

  it('matches scheme ignoring case', () => {
    const link = parseLink('WEB+SWIVEL://smc/provision/4825930167');

    expect(link).toEqual({ kind: 'provision', code: '4825930167' });
  });
});

/** Each documented form, written without origin or leading slash, and what it carries. */
const FORMS: readonly (readonly [string, string, ParsedLink])[] = [
  [
    'complete',
    'smc/complete/acme-01/alice/4825930167',
    { kind: 'provision', ...alice },
  ],
  [
    'getsettings',
    'smc/getsettings/acme-01',
    { kind: 'provision', siteId: 'acme-01' },
  ],
  [
    'provision',
    'smc/provision/4825930167',
    { kind: 'provision', code: '4825930167' },
  ],
  [
    'query',
    '?siteid=acme-01&username=alice&code=4825930167',
    { kind: 'provision', ...alice },
  ],
];

describe('parseLink web+swivel forms', () => {
  const carriers: readonly (readonly [string, (form: string) => string])[] = [
    ['with slashes', (form) => `web+swivel://${form}`],
    ['without slashes', (form) => `web+swivel:${form}`],
    ['with one slash', (form) => `web+swivel:/${form}`],
    [
      'carrying https',
      (form) => `web+swivel:https://swivel.example.com/${form}`,
    ],
    [
      'carrying https after slashes',
      (form) => `web+swivel://https://swivel.example.com/${form}`,
    ],
  ];

  for (const [formName, form, expected] of FORMS) {
    for (const [carrierName, carry] of carriers) {
      it(`reads ${formName} form ${carrierName}`, () => {
        expect(parseLink(carry(form))).toEqual(expected);
      });
    }
  }
});

describe('parseLink Base64 forms', () => {
  const carriers: readonly (readonly [string, (form: string) => string])[] = [
    ['path', (form) => `/${form}`],
    ['https URL', (form) => `https://swivel.example.com/${form}`],
    ['web+swivel link', (form) => `web+swivel://${form}`],
  ];
  const encoders: readonly (readonly [string, (text: string) => string])[] = [
    ['standard', base64],
    ['unpadded standard', (text) => withoutPadding(base64(text))],
    ['URL-safe', base64Url],
    ['unpadded URL-safe', (text) => withoutPadding(base64Url(text))],
  ];

  for (const [formName, form, expected] of FORMS) {
    for (const [carrierName, carry] of carriers) {
      for (const [encoderName, encode] of encoders) {
        it(`reads ${encoderName} ${formName} ${carrierName}`, () => {
          expect(parseLink(encode(carry(form)))).toEqual(expected);
        });
      }
    }
  }
});

describe('parseLink nested links', () => {
  it('reads web+swivel link from activate', () => {
    const nested = encodeURIComponent(
      'web+swivel://smc/complete/acme-01/alice/4825930167',
    );

    const link = parseLink(`https://pwa.example/activate?link=${nested}`);

    expect(link).toEqual({ kind: 'provision', ...alice });
  });

  it('reads nested link under url key', () => {
    const nested = encodeURIComponent('web+swivel:smc/getsettings/acme-01');

    const link = parseLink(`/activate?url=${nested}`);

    expect(link).toEqual({ kind: 'provision', siteId: 'acme-01' });
  });

  it('reads nested link under text key', () => {
    const nested = encodeURIComponent('/smc/provision/4825930167');

    const link = parseLink(`/activate?text=${nested}`);

    expect(link).toEqual({ kind: 'provision', code: '4825930167' });
  });

  it('reads nested Base64 link', () => {
    const nested = encodeURIComponent(
      base64('/smc/complete/acme-01/alice/4825930167'),
    );

    const link = parseLink(`/activate?link=${nested}`);

    expect(link).toEqual({ kind: 'provision', ...alice });
  });

  it('rejects deeply nested link', () => {
    let text = '/smc/provision/4825930167';
    for (let level = 0; level < 6; level += 1) {
      text = `/activate?link=${encodeURIComponent(text)}`;
    }

    const error = thrownBy(() => parseLink(text));

    expect(error).toBeInstanceOf(LinkError);
  });
});

describe('parseLink Base64 text', () => {
  const complete =
    'https://swivel.example.com/smc/complete/acme-01/alice/4825930167';

  it('reads standard Base64', () => {
    const link = parseLink(base64(complete));

    expect(link).toEqual({ kind: 'provision', ...alice });
  });

  it('reads unpadded standard Base64', () => {
    const padded = base64(`${complete}?`);

    const link = parseLink(withoutPadding(padded));

    expect(padded).toMatch(/=$/);
    expect(link).toEqual({ kind: 'provision', ...alice });
  });

  it('reads URL-safe Base64', () => {
    const text = base64Url('web+swivel://smc/complete/acme-01/~~~/4825930167');

    const link = parseLink(text);

    expect(text).toMatch(/[-_]/);
    expect(link).toHaveProperty('username', '~~~');
  });

  it('reads unpadded URL-safe Base64', () => {
    const padded = base64Url('web+swivel://smc/getsettings/acme-01/~~~~');

    const link = parseLink(withoutPadding(padded));

    expect(padded).toMatch(/[-_].*=$/);
    expect(link).toEqual({ kind: 'provision', siteId: 'acme-01' });
  });

  it('reads Base64 getsettings path', () => {
    const link = parseLink(base64('/smc/getsettings/acme-01'));

    expect(link).toEqual({ kind: 'provision', siteId: 'acme-01' });
  });

  it('reads Base64 provision path', () => {
    const link = parseLink(base64('smc/provision/4825930167'));

    expect(link).toEqual({ kind: 'provision', code: '4825930167' });
  });

  it('reads Base64 query', () => {
    const link = parseLink(
      base64('?siteid=acme-01&username=alice&code=4825930167'),
    );

    expect(link).toEqual({ kind: 'provision', ...alice });
  });

  it('reads Base64 with surrounding whitespace', () => {
    const link = parseLink(`  ${base64(complete)}\n`);

    expect(link).toEqual({ kind: 'provision', ...alice });
  });

  it('reads Base64 otpauth URI', () => {
    const link = parseLink(
      base64('otpauth://totp/Swivel:alice?secret=JBSWY3DPEHPK3PXP'),
    );

    expect(link).toEqual({
      kind: 'otpauth',
      type: 'totp',
      label: 'Swivel:alice',
    });
  });

  it('rejects Base64 of plain text', () => {
    const error = thrownBy(() => parseLink(base64('hello world')));

    expect(error).toBeInstanceOf(LinkError);
  });
});

describe('parseLink otpauth URIs', () => {
  it('reads totp URI', () => {
    const link = parseLink(
      'otpauth://totp/Swivel:alice?secret=JBSWY3DPEHPK3PXP&issuer=Swivel',
    );

    expect(link).toEqual({
      kind: 'otpauth',
      type: 'totp',
      label: 'Swivel:alice',
    });
  });

  it('reads hotp URI', () => {
    const link = parseLink(
      'otpauth://hotp/Swivel:bob?secret=JBSWY3DPEHPK3PXP&counter=0',
    );

    expect(link).toEqual({
      kind: 'otpauth',
      type: 'hotp',
      label: 'Swivel:bob',
    });
  });

  it('decodes encoded label', () => {
    const link = parseLink(
      'otpauth://totp/Swivel%3Aalice%40example.com?secret=ABC',
    );

    expect(link).toEqual({
      kind: 'otpauth',
      type: 'totp',
      label: 'Swivel:alice@example.com',
    });
  });

  it('keeps broken label as written', () => {
    const link = parseLink('otpauth://totp/Swivel%E0%A4?secret=ABC');

    expect(link).toEqual({
      kind: 'otpauth',
      type: 'totp',
      label: 'Swivel%E0%A4',
    });
  });

  it('lower-cases scheme and type', () => {
    const link = parseLink('OTPAUTH://TOTP/Swivel:alice?secret=ABC');

    expect(link).toHaveProperty('kind', 'otpauth');
    expect(link).toHaveProperty('type', 'totp');
  });

  it('rejects unknown otpauth type', () => {
    const error = thrownBy(() =>
      parseLink('otpauth://steam/Swivel:alice?secret=ABC'),
    );

    expect(error).toBeInstanceOf(LinkError);
  });
});

describe('parseLink rejection', () => {
  const rejected: readonly (readonly [string, string])[] = [
    ['empty text', ''],
    ['only whitespace', ' \n\t '],
    ['plain word', 'hello'],
    ['eight-letter word', 'password'],
    ['sentence', 'Your provision code is 4825930167'],
    ['bare provision code', '4825930167'],
    ['https URL without fields', 'https://swivel.example.com/'],
    ['smc path without form', 'https://swivel.example.com/smc/'],
    [
      'complete path without fields',
      'https://swivel.example.com/smc/complete/',
    ],
    ['unknown smc form', '/smc/reset/acme-01'],
    ['empty web+swivel link', 'web+swivel:'],
    ['web+swivel link without fields', 'web+swivel://smc/complete'],
    ['activate without fields', 'https://pwa.example/activate'],
    ['unknown query keys', '/activate?site=acme&name=alice'],
    ['mailto link', 'mailto:alice@example.com'],
    ['ftp URL', 'ftp://swivel.example.com/smc/complete/a/b/c'],
    ['javascript URL', 'javascript:alert(1)'],
    ['broken percent-encoding in path', '/smc/complete/acme/%E0%A4%A/1234'],
    ['invalid percent escape', '/smc/provision/%ZZ'],
    ['lone percent sign', 'https://h.example/smc/getsettings/100%'],
    ['over-long link', `/smc/provision/${'1'.repeat(5000)}`],
    ['broken URL', 'https://[bad/smc/provision/1234'],
  ];

  for (const [label, text] of rejected) {
    it(`rejects ${label}`, () => {
      const error = thrownBy(() => parseLink(text));

      expect(error).toBeInstanceOf(LinkError);
    });
  }

  it('accepts link of 4096 characters', () => {
    const prefix = '/smc/provision/';
    const text = `${prefix}${'1'.repeat(4096 - prefix.length)}`;

    const link = parseLink(text);

    expect(link).toHaveProperty('code');
  });

  it('rejects link of 4097 characters', () => {
    const prefix = '/smc/provision/';
    const text = `${prefix}${'1'.repeat(4097 - prefix.length)}`;

    const error = thrownBy(() => parseLink(text));

    expect(error).toBeInstanceOf(LinkError);
  });

  it('keeps input on error', () => {
    const error = thrownBy(() => parseLink('hello'));

    expect(error).toHaveProperty('input', 'hello');
  });

  it('keeps original input for nested error', () => {
    const text = '/activate?link=hello';

    const error = thrownBy(() => parseLink(text));

    expect(error).toHaveProperty('input', text);
  });

  it('has name LinkError', () => {
    const error = thrownBy(() => parseLink(''));

    expect(error).toHaveProperty('name', 'LinkError');
  });
});

describe('parseLink properties', () => {
  const fragments = fc.constantFrom(
    '/',
    'smc',
    'complete',
    'getsettings',
    'provision',
    '%',
    '%2',
    '%E0%A4',
    '%2F',
    '?',
    '&',
    '=',
    '#',
    'link=',
    'siteid=',
    'code=',
    'web+swivel:',
    'https://',
    'otpauth://',
    'totp',
    '[',
    ']',
    '@',
    ':',
    '\\',
    '..',
  );
  const linkLike = fc
    .array(fc.oneof(fragments, fc.string()), { maxLength: 20 })
    .map((parts) => parts.join(''));
  const anyText = fc.oneof(
    fc.string(),
    fc.string({ unit: 'binary' }),
    linkLike,
    linkLike.map((text) => base64(text)),
    linkLike.map((text) => withoutPadding(base64Url(text))),
  );

  it('throws only LinkError for arbitrary text', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        try {
          parseLink(text);
        } catch (error) {
          expect(error).toBeInstanceOf(LinkError);
        }
      }),
      { numRuns: 3000 },
    );
  });

  // Values are trimmed by the parser, and the URL standard resolves the path
  // segments `.` and `..` (even percent-encoded), so no link can carry them.
  const field = fc
    .string({ minLength: 1, maxLength: 12, unit: 'grapheme' })
    .filter((text) => text.trim() === text && text !== '')
    .filter((text) => text !== '.' && text !== '..');
  const triple = fc.record({ siteId: field, username: field, code: field });

  it('reads generated triple in every form', () => {
    fc.assert(
      fc.property(triple, (generated) => {
        for (const [, text] of encodings(generated)) {
          fc.pre(text.length <= 4096);

          const link = parseLink(text);

          expect(link).toEqual({ kind: 'provision', ...generated });
        }
      }),
      { numRuns: 300 },
    );
  });

  for (const [name, text] of encodings(alice)) {
    it(`reads ${name}`, () => {
      expect(parseLink(text)).toEqual({ kind: 'provision', ...alice });
    });
  }
});
