import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { LinkError, parseLink } from '../../src/link/parse-link.js';
import {
  AGENT_XML_VERSION,
  type AgentRequest,
  type AgentResponse,
  buildRequest,
  buildResponse,
  readRequest,
  readResponse,
} from '../../src/protocol/agent-xml.js';
import {
  extractOtc,
  formatTypedCode,
  isValidPin,
  parseTypedCode,
} from '../../src/protocol/otc.js';
import {
  ProtocolError,
  ProtocolErrorCode,
} from '../../src/protocol/protocol-error.js';
import {
  readSecurityStrings,
  type SecurityString,
} from '../../src/protocol/security-strings.js';
import {
  buildServerDetails,
  readHost,
  readServerDetails,
  type ServerDetails,
} from '../../src/protocol/ssd.js';
import {
  buildXml,
  parseXml,
  type XmlElement,
  type XmlNode,
} from '../../src/protocol/xml.js';

/**
 * Runs per property. At 500, this file's tests take about 1.5 s on a 2-core
 * machine.
 */
const RUNS = 500;

type ErrorClass = new (...args: never[]) => Error;

/** Runs `action` and expects it to return or to throw an instance of `type`. */
function expectOnlyError(type: ErrorClass, action: () => unknown): void {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(type);
  }
}

function thrownBy(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  throw new Error('Expected the call to throw, but it returned normally.');
}

// Shared text generators.

/** Any UTF-16 code unit, lone surrogates included. */
const codeUnit = fc
  .integer({ min: 0, max: 0xffff })
  .map((unit) => String.fromCharCode(unit));

/**
 * Any JavaScript string: whole code points, or code units that may leave
 * lone surrogates.
 */
const anyString = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 60 }),
  fc.string({ unit: codeUnit, maxLength: 60 }),
);

function isSurrogate(codePoint: number): boolean {
  return codePoint >= 0xd800 && codePoint <= 0xdfff;
}

// Base64 helpers, as a server or a QR code generator would encode a link.

function base64OfBytes(bytes: Uint8Array): string {
  return btoa(String.fromCharCode(...bytes));
}

/** Encodes the UTF-8 bytes of `text` as standard Base64, with `=` padding. */
function base64(text: string): string {
  return base64OfBytes(new TextEncoder().encode(text));
}

function toUrlSafe(base64Text: string): string {
  return base64Text.replace(/\+/g, '-').replace(/\//g, '_');
}

function withoutPadding(base64Text: string): string {
  return base64Text.replace(/=+$/, '');
}

describe('parseLink properties', () => {
  const linkFragments = fc.constantFrom(
    '/',
    'smc/complete/',
    'smc/getsettings/',
    'smc/provision/',
    '?',
    '&',
    '=',
    '#',
    '%',
    // The UTF-8 bytes of a lone surrogate, which decodeURIComponent rejects.
    '%ED%A0%80',
    '?link=',
    'siteid=',
    'web+swivel:',
    'web+swivel://',
    'https://',
    'otpauth://totp/',
  );

  it('throws only LinkError for unicode text', () => {
    const text = fc
      .array(fc.oneof(linkFragments, anyString), { maxLength: 12 })
      .map((parts) => parts.join(''));

    fc.assert(
      fc.property(text, (input) => {
        expectOnlyError(LinkError, () => parseLink(input));
      }),
      { numRuns: RUNS },
    );
  });

  it('throws only LinkError for web URLs', () => {
    const url = fc.webUrl({ withQueryParameters: true, withFragments: true });
    const wrappers = fc.constantFrom(
      (link: string) => link,
      (link: string) => `web+swivel:${link}`,
      (link: string) => `/activate?link=${encodeURIComponent(link)}`,
      (link: string) => base64(link),
      (link: string) => `${link}/smc/complete/a/b/c`,
    );

    fc.assert(
      fc.property(url, wrappers, (link, wrap) => {
        expectOnlyError(LinkError, () => parseLink(wrap(link)));
      }),
      { numRuns: RUNS },
    );
  });

  it('throws only LinkError for Base64 bytes', () => {
    // A prefix that looks like a link makes the decoded text reach the URL
    // parser, instead of being dropped as plain text.
    const prefix = fc.constantFrom(
      '',
      'https://',
      'web+swivel:',
      '/smc/complete/',
      '?link=',
      'smc/',
      'otpauth://',
    );
    const bytes = fc
      .tuple(prefix, fc.uint8Array({ maxLength: 200 }))
      .map(([start, rest]) => {
        const head = new TextEncoder().encode(start);
        const joined = new Uint8Array(head.length + rest.length);
        joined.set(head);
        joined.set(rest, head.length);
        return joined;
      });
    const encoders = fc.constantFrom(
      (text: string) => text,
      toUrlSafe,
      withoutPadding,
      (text: string) => withoutPadding(toUrlSafe(text)),
    );

    fc.assert(
      fc.property(bytes, encoders, (data, encode) => {
        expectOnlyError(LinkError, () =>
          parseLink(encode(base64OfBytes(data))),
        );
      }),
      { numRuns: RUNS },
    );
  });
});

interface Triple {
  readonly siteId: string;
  readonly username: string;
  readonly code: string;
}

function completePath({ siteId, username, code }: Triple): string {
  const encode = encodeURIComponent;
  return `/smc/complete/${encode(siteId)}/${encode(username)}/${encode(code)}`;
}

function completeUrl(triple: Triple): string {
  return `https://swivel.example.com${completePath(triple)}`;
}

function activateQuery({ siteId, username, code }: Triple): string {
  return new URLSearchParams({ siteid: siteId, username, code }).toString();
}

/** Writes a triple in each accepted link form, keyed by form name. */
const LINK_FORMS: readonly (readonly [string, (triple: Triple) => string])[] = [
  ['complete https URL', completeUrl],
  ['complete path', completePath],
  [
    'activate query keys',
    (triple) => `https://pwa.example/activate?${activateQuery(triple)}`,
  ],
  [
    'web+swivel complete path',
    (triple) => `web+swivel://${completePath(triple).slice(1)}`,
  ],
  ['web+swivel https URL', (triple) => `web+swivel:${completeUrl(triple)}`],
  [
    'nested activate link',
    (triple) =>
      `https://pwa.example/activate?link=${encodeURIComponent(completeUrl(triple))}`,
  ],
  ['standard Base64 URL', (triple) => base64(completeUrl(triple))],
  [
    'URL-safe Base64 URL',
    (triple) => withoutPadding(toUrlSafe(base64(completeUrl(triple)))),
  ],
];

/**
 * Returns whether a link can carry `value` unchanged: the parser trims every
 * field, and the URL standard resolves the path segments `.` and `..`.
 */
function isCarriedUnchanged(value: string): boolean {
  return value !== '' && value.trim() === value && !['.', '..'].includes(value);
}

describe('parseLink unicode round trip', () => {
  // The `binary` unit yields every code point except lone surrogates, which
  // neither encodeURIComponent nor UTF-8 can carry. Control characters,
  // noncharacters and astral code points are included.
  const field = fc
    .string({ unit: 'binary', minLength: 1, maxLength: 12 })
    .filter(isCarriedUnchanged);
  const triple = fc.record({ siteId: field, username: field, code: field });

  for (const [name, write] of LINK_FORMS) {
    it(`reads ${name}`, () => {
      fc.assert(
        fc.property(triple, (fields) => {
          const link = parseLink(write(fields));

          expect(link).toEqual({ kind: 'provision', ...fields });
        }),
        { numRuns: RUNS },
      );
    });
  }

  it('reads raw non-ASCII segments', () => {
    // The URL parser percent-encodes raw non-ASCII path characters as UTF-8,
    // and the reader decodes them again.
    const nonAscii = fc
      .integer({ min: 0x80, max: 0x10ffff })
      .filter((codePoint) => !isSurrogate(codePoint))
      .map((codePoint) => String.fromCodePoint(codePoint));
    const rawField = fc
      .string({ unit: nonAscii, minLength: 1, maxLength: 8 })
      .filter(isCarriedUnchanged);
    const rawTriple = fc.record({
      siteId: rawField,
      username: rawField,
      code: rawField,
    });

    fc.assert(
      fc.property(rawTriple, (fields) => {
        const { siteId, username, code } = fields;
        const text = `https://swivel.example.com/smc/complete/${siteId}/${username}/${code}`;

        expect(parseLink(text)).toEqual({ kind: 'provision', ...fields });
      }),
      { numRuns: RUNS },
    );
  });

  it('reads query keys on web URLs', () => {
    // Path fields win over query keys, so paths with an `smc` segment are
    // left out.
    const base = fc
      .webUrl()
      .filter(
        (url) =>
          !new URL(url).pathname
            .split('/')
            .some((segment) => segment.toLowerCase() === 'smc'),
      );

    fc.assert(
      fc.property(base, triple, (url, fields) => {
        const link = parseLink(`${url}?${activateQuery(fields)}`);

        expect(link).toEqual({ kind: 'provision', ...fields });
      }),
      { numRuns: RUNS },
    );
  });
});

// XML generators.

/**
 * Any character that XML 1.0 documents can contain (the Char production) except
 * CR. XML end-of-line handling turns a raw CR into LF, so only a character
 * reference can carry CR. C0 controls other than tab and LF, lone surrogates,
 * U+FFFE and U+FFFF are left out because XML 1.0 cannot carry them at all.
 */
const xmlCharacter = fc
  .oneof(
    { weight: 4, arbitrary: fc.integer({ min: 0x20, max: 0x7e }) },
    fc.integer({ min: 0x7f, max: 0xd7ff }),
    fc.integer({ min: 0xe000, max: 0xfffd }),
    fc.integer({ min: 0x10000, max: 0x10ffff }),
    fc.constantFrom(0x9, 0xa),
  )
  .map((codePoint) => String.fromCodePoint(codePoint));

const markup = fc.constantFrom(
  '<',
  '>',
  '&',
  '"',
  "'",
  ']]>',
  '&amp;',
  '&lt;',
  '&#65;',
  '&#x41;',
  '<![CDATA[',
  '<!--',
  '<b>',
  '</b>',
);

/** Text that XML can carry, with markup that the builder must escape. */
const xmlValue = fc.string({
  unit: fc.oneof({ weight: 4, arbitrary: xmlCharacter }, markup),
  maxLength: 30,
});

const nonBlankXmlValue = xmlValue.filter((value) => value.trim() !== '');

const requestArbitrary = fc.record(
  {
    version: xmlValue,
    secret: xmlValue,
    action: nonBlankXmlValue,
    username: xmlValue,
    password: xmlValue,
    provisionCode: xmlValue,
    pushId: xmlValue,
    deviceOs: xmlValue,
    id: xmlValue,
    otc: xmlValue,
    requestId: xmlValue,
  },
  { requiredKeys: ['action'] },
);

const policyArbitrary = fc.record({
  id: xmlValue,
  section: xmlValue,
  show: xmlValue,
  value: xmlValue,
});

const responseArbitrary = fc.record(
  {
    version: xmlValue,
    requestId: xmlValue,
    result: nonBlankXmlValue,
    error: xmlValue,
    errorDescription: xmlValue,
    id: xmlValue,
    securityStrings: xmlValue,
    policies: fc.array(policyArbitrary, { maxLength: 4 }),
  },
  { requiredKeys: ['result'] },
);

const requestIdSpelling = fc.constantFrom(
  'RequestID' as const,
  'RequestId' as const,
);

/**
 * Hosts in the form readHost returns (lower case, IPv6 in its shortest form),
 * because that is the form the reader gives back.
 */
const hostArbitrary = fc
  .oneof(fc.domain(), fc.ipV4(), fc.ipV6())
  .map((host) => readHost(host));

const serverDetailsArbitrary = fc.record({
  host: hostArbitrary,
  port: fc.integer({ min: 1, max: 65535 }),
  tls: fc.boolean(),
  // A context of only dots is a path step, which readContext rejects.
  context: fc
    .stringMatching(/^[A-Za-z0-9._~-]{1,12}$/)
    .filter((context) => !/^\.+$/.test(context)),
  pushSupport: fc.boolean(),
  local: fc.boolean(),
  pin: fc.boolean(),
  oath: fc.boolean(),
});

/** A well-formed `getServerDetailsResponse` with any text in its fields. */
const serverDetailsWithAnyValues = fc
  .record({
    responseCode: fc.constantFrom('0', ' 0 ', '1', '', '00'),
    hostname: anyString,
    port: anyString,
    usingSSL: anyString,
    connectionType: anyString,
  })
  .map(({ responseCode, ...fields }) =>
    buildXml({
      name: 'getServerDetailsResponse',
      children: [
        { name: 'responseCode', text: responseCode },
        {
          name: 'SSDetails',
          children: Object.entries(fields).map(([name, text]) => ({
            name,
            text,
          })),
        },
      ],
    }),
  );

/** Well-formed documents from the builders, as a base for cuts and edits. */
const builtDocument = fc.oneof(
  requestArbitrary.map((request) => buildRequest(request)),
  fc
    .tuple(responseArbitrary, requestIdSpelling)
    .map(([response, spelling]) => buildResponse(response, spelling)),
  serverDetailsArbitrary.map((details) => buildServerDetails(details)),
  fc.constant(buildServerDetails(null)),
  serverDetailsWithAnyValues,
);

const AGENT_XML_NAMES = [
  'SASRequest',
  'SASResponse',
  'Version',
  'Secret',
  'Action',
  'Username',
  'Password',
  'ProvisionCode',
  'PushId',
  'DeviceOS',
  'Id',
  'OTC',
  'RequestID',
  'RequestId',
  'Result',
  'Error',
  'ErrorDescription',
  'SecurityStrings',
  'Policies',
  'Policy',
  'getServerDetailsResponse',
  'responseCode',
  'SSDetails',
  'hostname',
  'port',
  'usingSSL',
  'pushSupport',
  'local',
  'pin',
  'oath',
  'connectionType',
] as const;

const ROOT_NAMES = [
  'SASRequest',
  'SASResponse',
  'getServerDetailsResponse',
] as const;

/** Element names: mostly real ones, some in other cases, some invalid. */
const elementName = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...AGENT_XML_NAMES) },
  { weight: 1, arbitrary: fc.mixedCase(fc.constantFrom(...AGENT_XML_NAMES)) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      'a',
      'x:y',
      '_',
      'a-b.c',
      'é',
      'xml',
      '1a',
      'a b',
      '',
      '__proto__',
      'constructor',
      'toString',
      '!--',
      '?xml',
    ),
  },
);

/** Text with `&` and `<` escaped, as in a well-formed document. */
const escapedText = fc
  .string({ unit: xmlCharacter, maxLength: 8 })
  .map((text) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;'));

const textFragment = fc.oneof(
  { weight: 4, arbitrary: escapedText },
  fc.string({ unit: 'binary', maxLength: 8 }),
  fc.constantFrom(
    '<',
    '>',
    '&',
    ']]>',
    '&amp;',
    '&lt;',
    '&#0;',
    '&#xD800;',
    '&#65;',
    '&#99999999;',
    '&undefined;',
    '&x',
    '"',
    "'",
    '\r\n',
    ' ',
    '\u0000',
    '\uFFFE',
    '\uD800',
  ),
);

const xmlishText = fc
  .array(textFragment, { maxLength: 4 })
  .map((parts) => parts.join(''));

const attributeText = fc
  .tuple(
    fc.oneof(fc.constantFrom('id', 'section', 'show', 'ID'), elementName),
    xmlishText,
    fc.constantFrom('"', '"', "'", ''),
  )
  .map(([name, value, quote]) => ` ${name}=${quote}${value}${quote}`);

/** How an element ends: mostly well-formed, sometimes not. */
const elementEnding = fc.oneof(
  { weight: 12, arbitrary: fc.constant('pair') },
  { weight: 3, arbitrary: fc.constant('empty') },
  fc.constantFrom('mismatch', 'unclosed'),
);

function elementText(
  name: string,
  attributes: readonly string[],
  children: readonly string[],
  ending: string,
  otherName: string,
): string {
  const open = `<${name}${attributes.join('')}`;
  const content = children.join('');
  switch (ending) {
    case 'empty':
      return `${open}/>`;
    case 'mismatch':
      return `${open}>${content}</${otherName}>`;
    case 'unclosed':
      return `${open}>${content}`;
    default:
      return `${open}>${content}</${name}>`;
  }
}

function elementOf(
  name: fc.Arbitrary<string>,
  child: fc.Arbitrary<string>,
): fc.Arbitrary<string> {
  return fc
    .tuple(
      name,
      fc.array(attributeText, { maxLength: 2 }),
      fc.array(child, { maxLength: 4 }),
      elementEnding,
      elementName,
    )
    .map(([tag, attributes, children, ending, otherName]) =>
      elementText(tag, attributes, children, ending, otherName),
    );
}

const { xmlishNode } = fc.letrec<{ xmlishNode: string }>((tie) => ({
  xmlishNode: fc.oneof(
    { maxDepth: 4, depthIdentifier: 'xmlish' },
    { weight: 3, arbitrary: xmlishText },
    xmlishText.map((text) => `<![CDATA[${text}]]>`),
    xmlishText.map((text) => `<!--${text}-->`),
    fc.constantFrom('<?pi data?>', '<?xml version="1.0"?>'),
    { weight: 3, arbitrary: elementOf(elementName, tie('xmlishNode')) },
  ),
}));

const prolog = fc.constantFrom(
  '',
  '<?xml version="1.0" encoding="UTF-8"?>\n',
  '<?xml version="1.0"?>',
  '<?xml?>',
  '\uFEFF',
  '<!-- comment -->',
  ' \n\t',
);

/** DOCTYPE and entity declarations, which Agent-XML never uses. */
const declaration = fc.constantFrom(
  '<!DOCTYPE SASResponse>',
  '<!doctype SASRequest [<!ENTITY x "y">]>',
  '<!DocType a SYSTEM "file:///etc/passwd">',
  '<!DOCTYPE a [<!ENTITY a "&#38;#60;"><!ENTITY b "&a;&a;&a;&a;">]>',
  '<!ENTITY x "y">',
  '<!ELEMENT a ANY>',
);

const epilogue = fc.constantFrom(
  '<!-- comment -->',
  '<?pi?>',
  'x',
  '<a/>',
  ']]>',
  '&amp;',
);

/** Returns `part` in about one document of `odds`, and '' otherwise. */
function sometimes(
  part: fc.Arbitrary<string>,
  odds: number,
): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: odds - 1, arbitrary: fc.constantFrom('', '\n') },
    { weight: 1, arbitrary: part },
  );
}

const generatedDocument = fc
  .tuple(
    prolog,
    sometimes(declaration, 6),
    elementOf(
      fc.oneof(
        { weight: 3, arbitrary: fc.constantFrom(...ROOT_NAMES) },
        elementName,
      ),
      xmlishNode,
    ),
    sometimes(epilogue, 6),
  )
  .map((parts) => parts.join(''));

const truncatedDocument = builtDocument.chain((document) =>
  fc.nat({ max: document.length }).map((end) => document.slice(0, end)),
);

const splicedDocument = builtDocument.chain((document) =>
  fc
    .tuple(
      fc.nat({ max: document.length }),
      fc.nat({ max: 12 }),
      fc.oneof(textFragment, declaration, elementName),
    )
    .map(
      ([start, removed, inserted]) =>
        `${document.slice(0, start)}${inserted}${document.slice(start + removed)}`,
    ),
);

const declaredDocument = fc
  .tuple(declaration, builtDocument)
  .map(([start, document]) => document.replace('?>', `?>${start}`));

/**
 * Near-valid XML: generated trees, and built documents cut short, edited or
 * given a DOCTYPE.
 */
const xmlishDocument = fc.oneof(
  generatedDocument,
  truncatedDocument,
  splicedDocument,
  declaredDocument,
  builtDocument,
);

const XML_READERS: readonly (readonly [string, (xml: string) => unknown])[] = [
  ['parseXml', parseXml],
  ['readRequest', readRequest],
  ['readResponse', readResponse],
  ['readServerDetails', readServerDetails],
];

for (const [name, read] of XML_READERS) {
  describe(`${name} properties`, () => {
    it('throws only ProtocolError for any text', () => {
      fc.assert(
        fc.property(anyString, (text) => {
          expectOnlyError(ProtocolError, () => read(text));
        }),
        { numRuns: RUNS },
      );
    });

    it('throws only ProtocolError for XML-like text', () => {
      fc.assert(
        fc.property(xmlishDocument, (text) => {
          expectOnlyError(ProtocolError, () => read(text));
        }),
        { numRuns: RUNS },
      );
    });
  });
}

function trimmed(value: string | undefined): string | undefined {
  return value?.trim();
}

describe('Agent-XML round trips', () => {
  // The readers trim element text and attribute values, so the expected
  // values are the trimmed ones.

  it('reads built request', () => {
    fc.assert(
      fc.property(requestArbitrary, (request) => {
        const expected = Object.fromEntries(
          Object.entries(request).map(([field, value]) => [
            field,
            value.trim(),
          ]),
        );

        expect(readRequest(buildRequest(request))).toEqual(expected);
      }),
      { numRuns: RUNS },
    );
  });

  it('keeps carriage return in request', () => {
    const withCarriageReturn = fc
      .tuple(xmlValue, xmlValue)
      .map(([before, after]) => `a${before}\r${after}b`);

    fc.assert(
      fc.property(withCarriageReturn, (username) => {
        const request: AgentRequest = { action: 'ping', username };

        expect(readRequest(buildRequest(request)).username).toBe(username);
      }),
      { numRuns: RUNS },
    );
  });

  it('reads built response', () => {
    fc.assert(
      fc.property(
        responseArbitrary,
        requestIdSpelling,
        (response, spelling) => {
          const expected: AgentResponse = {
            version: trimmed(response.version) ?? AGENT_XML_VERSION,
            requestId: trimmed(response.requestId),
            result: response.result.trim().toUpperCase(),
            error: trimmed(response.error),
            errorDescription: trimmed(response.errorDescription),
            id: trimmed(response.id),
            securityStrings: trimmed(response.securityStrings),
            policies: response.policies?.map((policy) => ({
              id: policy.id.trim(),
              section: policy.section.trim(),
              show: policy.show.trim(),
              value: policy.value.trim(),
            })),
          };

          const read = readResponse(buildResponse(response, spelling));

          expect(read).toEqual(expected);
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('reads built server details', () => {
    fc.assert(
      fc.property(serverDetailsArbitrary, (details: ServerDetails) => {
        expect(readServerDetails(buildServerDetails(details))).toEqual(details);
      }),
      { numRuns: RUNS },
    );
  });
});

// XML names that fast-xml-parser 5.12 treats as JavaScript property names.
// It rejects the first three, and renames the others with a `__` prefix.
const REJECTED_NAMES = ['__proto__', 'constructor', 'prototype'];
const RENAMED_NAMES = [
  'hasOwnProperty',
  'toString',
  'valueOf',
  '__defineGetter__',
  '__defineSetter__',
  '__lookupGetter__',
  '__lookupSetter__',
];

const xmlName = fc
  .oneof(
    fc.constantFrom(...AGENT_XML_NAMES),
    fc.stringMatching(/^[A-Za-z_][A-Za-z0-9._-]{0,10}$/),
    fc.constantFrom('é', '名前', 'Δx', 'ns:Name', 'a.b-c'),
  )
  .filter(
    (name) => !REJECTED_NAMES.includes(name) && !RENAMED_NAMES.includes(name),
  );

function treeOf(name: fc.Arbitrary<string>): fc.Arbitrary<XmlNode> {
  const { tree } = fc.letrec<{ tree: XmlNode }>((tie) => ({
    tree: fc
      .tuple(
        name,
        fc.dictionary(name, xmlValue, { maxKeys: 3 }),
        fc.oneof(
          { maxDepth: 3, depthIdentifier: 'tree' },
          xmlValue.map((text) => ({ text })),
          fc
            .array(tie('tree'), { maxLength: 3 })
            .map((children) => ({ children })),
        ),
      )
      .map(([tag, attributes, content]) => ({
        name: tag,
        attributes,
        ...content,
      })),
  }));
  return tree;
}

/** Returns the element that parseXml should read from `buildXml(node)`. */
function expectedElement(node: XmlNode): XmlElement {
  return {
    name: node.name,
    text: node.children === undefined ? (node.text ?? '').trim() : '',
    attributes: Object.fromEntries(
      Object.entries(node.attributes ?? {}).map(([key, value]) => [
        key,
        value.trim(),
      ]),
    ),
    children: (node.children ?? []).map(expectedElement),
  };
}

describe('parseXml round trips', () => {
  it('reads built tree', () => {
    fc.assert(
      fc.property(treeOf(xmlName), (node) => {
        expect(parseXml(buildXml(node))).toEqual(expectedElement(node));
      }),
      { numRuns: RUNS },
    );
  });

  it('keeps JavaScript method names', () => {
    fc.assert(
      fc.property(treeOf(fc.constantFrom(...RENAMED_NAMES)), (node) => {
        expect(parseXml(buildXml(node))).toEqual(expectedElement(node));
      }),
      { numRuns: RUNS },
    );
  });

  it('decodes character references', () => {
    const character = fc.oneof(xmlCharacter, fc.constant('\r'));

    fc.assert(
      fc.property(character, fc.boolean(), (text, hexadecimal) => {
        const codePoint = text.codePointAt(0) ?? 0;
        const reference = hexadecimal
          ? `&#x${codePoint.toString(16)};`
          : `&#${codePoint};`;

        expect(parseXml(`<a>x${reference}y</a>`).text).toBe(`x${text}y`);
      }),
      { numRuns: RUNS },
    );
  });
});

describe('readSecurityStrings properties', () => {
  const securityString = fc.stringMatching(/^[0-9A-Za-z]{10}$/);

  it('throws only ProtocolError for any text', () => {
    const batchLike = fc
      .array(fc.oneof(securityString, anyString, fc.constant('')), {
        maxLength: 110,
      })
      .map((entries) => entries.join(';'));

    fc.assert(
      fc.property(fc.oneof(anyString, batchLike), (text) => {
        expectOnlyError(ProtocolError, () => readSecurityStrings(text));
      }),
      { numRuns: RUNS },
    );
  });

  it('reads generated batch', () => {
    // A batch of 99 or fewer strings starts at index 1. A full batch of 100
    // entries starts with a placeholder, which may be any text without `;`.
    const partialBatch = fc
      .array(securityString, { minLength: 1, maxLength: 99 })
      .map((strings) => ({ strings, entries: strings }));
    const fullBatch = fc
      .tuple(
        anyString.filter((text) => !text.includes(';')),
        fc.array(securityString, { minLength: 99, maxLength: 99 }),
      )
      .map(([placeholder, strings]) => ({
        strings,
        entries: [placeholder, ...strings],
      }));
    const batch = fc.oneof(partialBatch, fullBatch);

    fc.assert(
      fc.property(batch, fc.boolean(), ({ strings, entries }, trailing) => {
        const text = `${entries.join(';')}${trailing ? ';' : ''}`;
        const expected: SecurityString[] = strings.map((value, position) => ({
          index: position + 1,
          value,
        }));

        expect(readSecurityStrings(text)).toEqual(expected);
      }),
      { numRuns: RUNS },
    );
  });
});

describe('otc properties', () => {
  const pin = fc.stringMatching(/^[0-9]{4,10}$/);
  const alphanumericString = fc.stringMatching(/^[0-9A-Za-z]{10}$/);
  const index = fc.integer({ min: 1, max: 99 });
  const format = fc.constantFrom('plain' as const, 'comma' as const);

  it('extracts character for each digit', () => {
    const tenCharacters = fc.string({
      unit: codeUnit,
      minLength: 10,
      maxLength: 10,
    });

    fc.assert(
      fc.property(tenCharacters, pin, (securityString, digits) => {
        const otc = extractOtc(securityString, digits);

        expect(isValidPin(digits)).toBe(true);
        expect(otc).toHaveLength(digits.length);
        [...digits].forEach((digit, position) => {
          const source = digit === '0' ? 9 : Number(digit) - 1;
          expect(otc[position]).toBe(securityString[source]);
        });
      }),
      { numRuns: RUNS },
    );
  });

  it('parses formatted extracted code', () => {
    fc.assert(
      fc.property(
        alphanumericString,
        pin,
        index,
        format,
        (securityString, digits, position, style) => {
          const otc = extractOtc(securityString, digits);

          const typed = parseTypedCode(formatTypedCode(otc, position, style));

          expect(typed).toEqual({ otc, index: position });
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('rejects invalid PIN with ProtocolError', () => {
    const nonDigit = fc
      .oneof(codeUnit, fc.constantFrom('٣', '１', ' ', '\n', '-', '.'))
      .filter((character) => !/[0-9]/.test(character));
    const invalidPin = fc.oneof(
      fc.stringMatching(/^[0-9]{0,3}$/),
      fc.stringMatching(/^[0-9]{11,20}$/),
      fc
        .tuple(pin, nonDigit, fc.nat({ max: 10 }))
        .map(
          ([digits, character, at]) =>
            `${digits.slice(0, at)}${character}${digits.slice(at)}`,
        ),
    );

    fc.assert(
      fc.property(alphanumericString, invalidPin, (securityString, digits) => {
        const error = thrownBy(() => extractOtc(securityString, digits));

        expect(isValidPin(digits)).toBe(false);
        expect(error).toBeInstanceOf(ProtocolError);
        expect(error).toHaveProperty('code', ProtocolErrorCode.InvalidValue);
      }),
      { numRuns: RUNS },
    );
  });

  it('throws only ProtocolError for any input', () => {
    fc.assert(
      fc.property(anyString, fc.oneof(pin, anyString), (text, digits) => {
        expectOnlyError(ProtocolError, () => extractOtc(text, digits));
      }),
      { numRuns: RUNS },
    );
  });

  it('parseTypedCode never throws', () => {
    const typedLike = fc.stringMatching(
      /^\s*[0-9A-Za-z]{0,12},?[0-9]{0,3}\s*$/,
    );

    fc.assert(
      fc.property(fc.oneof(anyString, typedLike), (text) => {
        const typed = parseTypedCode(text);

        if (typed !== null) {
          expect(typed.index).toBeGreaterThanOrEqual(1);
          expect(typed.index).toBeLessThanOrEqual(99);
        }
      }),
      { numRuns: RUNS },
    );
  });
});
