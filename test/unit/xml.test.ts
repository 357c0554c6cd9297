import { describe, expect, it } from 'vitest';

import {
  ProtocolError,
  ProtocolErrorCode,
} from '../../src/protocol/protocol-error.js';
import {
  buildXml,
  findChild,
  parseXml,
  type XmlElement,
} from '../../src/protocol/xml.js';

function thrownBy(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  throw new Error('Expected the call to throw, but it returned normally.');
}

function childNames(element: XmlElement): string[] {
  return element.children.map((child) => child.name);
}

describe('parseXml', () => {
  it('returns root element name', () => {
    const root = parseXml('<SASResponse><Result>PASS</Result></SASResponse>');

    expect(root.name).toBe('SASResponse');
  });

  it('keeps child elements in order', () => {
    const xml = '<Root><B>2</B><A>1</A><C>3</C></Root>';

    const root = parseXml(xml);

    expect(childNames(root)).toEqual(['B', 'A', 'C']);
  });

  it('trims element text', () => {
    const root = parseXml('<Root><Id>\n   abc  \n</Id></Root>');

    expect(root.children[0]?.text).toBe('abc');
  });

  it('returns empty text for empty element', () => {
    const root = parseXml('<Root><Id/><Name></Name></Root>');

    expect(root.children[0]?.text).toBe('');
    expect(root.children[1]?.text).toBe('');
  });

  it('reads attributes as strings', () => {
    const root = parseXml(
      '<Root><Policy id="AllowUserPIN" show="1">ON</Policy></Root>',
    );

    const policy = root.children[0];

    expect(policy?.attributes).toEqual({ id: 'AllowUserPIN', show: '1' });
    expect(policy?.text).toBe('ON');
  });

  it('keeps numeric text as text', () => {
    const root = parseXml('<Root><Code>0012</Code><Flag>true</Flag></Root>');

    expect(root.children[0]?.text).toBe('0012');
    expect(root.children[1]?.text).toBe('true');
  });

  it('ignores XML declaration', () => {
    const xml = '<?xml version="1.0" encoding="UTF-8"?>\n<Root><A>1</A></Root>';

    const root = parseXml(xml);

    expect(root.name).toBe('Root');
    expect(childNames(root)).toEqual(['A']);
  });

  it('decodes predefined entities', () => {
    const root = parseXml(
      '<Root><A>&lt;b&gt; &amp; &quot;x&quot; &apos;y&apos;</A></Root>',
    );

    expect(root.children[0]?.text).toBe('<b> & "x" \'y\'');
  });

  it('decodes entity text only once', () => {
    const root = parseXml('<Root><A>&amp;amp;&amp;lt;</A></Root>');

    expect(root.children[0]?.text).toBe('&amp;&lt;');
  });

  it('reads CDATA section as text', () => {
    const root = parseXml('<Root><A><![CDATA[<b>&amp;</b>]]></A></Root>');

    expect(root.children[0]?.text).toBe('<b>&amp;</b>');
  });

  it('ignores comments', () => {
    const root = parseXml('<Root><!-- note --><A>1</A></Root>');

    expect(childNames(root)).toEqual(['A']);
  });
});

describe('parseXml rejection', () => {
  const malformed: readonly (readonly [string, string])[] = [
    ['empty text', ''],
    ['only whitespace', '  \n\t '],
    ['plain words', 'Service Unavailable'],
    ['truncated document', '<SASResponse><Result>PASS</Result>'],
    ['cut inside a tag', '<SASResponse><Result>PA'],
    ['mismatched closing tag', '<Root><A>1</B></Root>'],
    ['two root elements', '<A/><B/>'],
    ['text after the root', '<Root></Root>trailing'],
    ['declaration only', '<?xml version="1.0"?>'],
    ['unclosed HTML element', '<html><body>Error<br></body></html>'],
    ['unquoted attribute', '<Root a=1/>'],
  ];

  for (const [label, xml] of malformed) {
    it(`rejects ${label}`, () => {
      const error = thrownBy(() => parseXml(xml));

      expect(error).toBeInstanceOf(ProtocolError);
      expect(error).toHaveProperty('code', ProtocolErrorCode.MalformedXml);
    });
  }

  // NOTE: fast-xml-parser 5.12.1's XMLValidator accepts text after a
  // self-closing root element, and parseXml does not check for it.
  it('rejects text after self-closing root', () => {
    const error = thrownBy(() => parseXml('<SASResponse/>garbage text'));

    expect(error).toBeInstanceOf(ProtocolError);
    expect(error).toHaveProperty('code', ProtocolErrorCode.MalformedXml);
  });

  it('rejects non-string input', () => {
    const error = thrownBy(() => parseXml(undefined as unknown as string));

    expect(error).toBeInstanceOf(ProtocolError);
    expect(error).toHaveProperty('code', ProtocolErrorCode.MalformedXml);
  });
});

describe('findChild', () => {
  const root = parseXml(
    '<Root><RequestId>7</RequestId><Result>PASS</Result><result>FAIL</result></Root>',
  );

  it('matches names ignoring case', () => {
    const child = findChild(root, 'REQUESTID');

    expect(child?.text).toBe('7');
  });

  it('returns first matching child', () => {
    const child = findChild(root, 'result');

    expect(child?.text).toBe('PASS');
  });

  it('returns undefined for missing child', () => {
    const child = findChild(root, 'Error');

    expect(child).toBeUndefined();
  });

  it('searches direct children only', () => {
    const nested = parseXml('<Root><Outer><Inner>1</Inner></Outer></Root>');

    const child = findChild(nested, 'Inner');

    expect(child).toBeUndefined();
  });
});

describe('buildXml', () => {
  it('starts with XML declaration', () => {
    const xml = buildXml({ name: 'Root', children: [] });

    expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n')).toBe(
      true,
    );
  });

  it('ends with one newline', () => {
    const xml = buildXml({
      name: 'Root',
      children: [{ name: 'A', text: '1' }],
    });

    expect(xml.endsWith('</Root>\n')).toBe(true);
  });

  it('writes children in given order', () => {
    const xml = buildXml({
      name: 'Root',
      children: [
        { name: 'B', text: '2' },
        { name: 'A', text: '1' },
      ],
    });

    expect(childNames(parseXml(xml))).toEqual(['B', 'A']);
  });

  it('writes empty text as empty element', () => {
    const xml = buildXml({
      name: 'Root',
      children: [{ name: 'Id', text: '' }],
    });

    const root = parseXml(xml);

    expect(childNames(root)).toEqual(['Id']);
    expect(root.children[0]?.text).toBe('');
  });

  it('escapes markup in text', () => {
    const xml = buildXml({
      name: 'Root',
      children: [{ name: 'A', text: '<b>&amp;' }],
    });

    expect(xml).not.toContain('<b>');
    expect(parseXml(xml).children[0]?.text).toBe('<b>&amp;');
  });

  it('escapes quotes in attributes', () => {
    const xml = buildXml({
      name: 'Root',
      children: [{ name: 'P', attributes: { id: 'a"b\'c<&' }, text: 'ON' }],
    });

    expect(parseXml(xml).children[0]?.attributes).toEqual({ id: 'a"b\'c<&' });
  });

  it('round-trips nested elements', () => {
    const xml = buildXml({
      name: 'Root',
      attributes: { version: '2' },
      children: [
        { name: 'Outer', children: [{ name: 'Inner', text: 'x' }] },
        { name: 'Leaf', text: 'y' },
      ],
    });

    const root = parseXml(xml);

    expect(root).toEqual({
      name: 'Root',
      text: '',
      attributes: { version: '2' },
      children: [
        {
          name: 'Outer',
          text: '',
          attributes: {},
          children: [
            { name: 'Inner', text: 'x', attributes: {}, children: [] },
          ],
        },
        { name: 'Leaf', text: 'y', attributes: {}, children: [] },
      ],
    });
  });
});
