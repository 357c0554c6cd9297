import { XMLBuilder, XMLParser, XMLValidator } from 'fast-xml-parser';

import { ProtocolError, ProtocolErrorCode } from './protocol-error.js';

/** One parsed element: its text, attributes and child elements. */
export interface XmlElement {
  /** The element name as written in the document. */
  readonly name: string;
  /** The trimmed text directly inside the element, or '' when there is none. */
  readonly text: string;
  /** The attributes, by name as written. */
  readonly attributes: Readonly<Record<string, string>>;
  readonly children: readonly XmlElement[];
}

const ATTRIBUTES = ':@';
const TEXT = '#text';

const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
  processEntities: true,
  // fast-xml-parser 5.12 decodes numeric references such as `&#39;` only
  // with this option on.
  htmlEntities: true,
  // Element names such as `toString` are kept as written; `__proto__` and
  // the like are still rejected.
  onDangerousProperty: (name: string) => name,
});

const builder = new XMLBuilder({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  format: true,
  indentBy: '  ',
  suppressEmptyNode: false,
  processEntities: true,
});

type OrderedNode = Record<string, unknown>;

/**
 * Parses an XML document and returns its root element.
 *
 * @throws ProtocolError with code `MALFORMED_XML` when the text is not one
 *   well-formed XML document.
 */
export function parseXml(xml: string): XmlElement {
  checkWellFormed(xml);

  let nodes: unknown;
  try {
    nodes = parser.parse(xml);
  } catch (error) {
    throw malformed(
      `The document could not be parsed as XML: ${String(error)}`,
    );
  }

  // fast-xml-parser 5.12 drops text after a self-closing root, and a
  // document can only end with the `>` of an element, comment or PI.
  if (hasTopLevelText(nodes) || !xml.trimEnd().endsWith('>')) {
    throw malformed('The document has text outside its root element.');
  }

  const roots = toElements(nodes);
  const [root] = roots;
  if (roots.length !== 1 || root === undefined) {
    throw malformed(
      `The document has ${roots.length} root elements: expected exactly one.`,
    );
  }
  return root;
}

/** Rejects empty text, a DOCTYPE declaration and anything not well formed. */
function checkWellFormed(xml: string): void {
  if (typeof xml !== 'string' || xml.trim() === '') {
    throw malformed('The document is empty: expected XML.');
  }

  // Swivel's messages never declare a DOCTYPE, and refusing one rules out
  // entity-expansion attacks from a hostile server or client.
  if (xml.toUpperCase().includes('<!DOCTYPE')) {
    throw malformed(
      'The document has a DOCTYPE declaration, which Agent-XML never uses.',
    );
  }

  const validation = XMLValidator.validate(xml);
  if (validation !== true) {
    const { msg, line } = validation.err;
    throw malformed(
      `The document is not well-formed XML (line ${line}: ${msg}).`,
    );
  }
}

function malformed(message: string): ProtocolError {
  return new ProtocolError(ProtocolErrorCode.MalformedXml, message);
}

function hasTopLevelText(nodes: unknown): boolean {
  return (
    Array.isArray(nodes) &&
    (nodes as OrderedNode[]).some((node) => TEXT in node)
  );
}

function toElements(nodes: unknown): XmlElement[] {
  if (!Array.isArray(nodes)) return [];
  const elements: XmlElement[] = [];
  for (const node of nodes as OrderedNode[]) {
    const name = Object.keys(node).find((key) => key !== ATTRIBUTES);
    if (name === undefined || name === TEXT || name.startsWith('?')) continue;
    const content = node[name];
    const children = toElements(content);
    const text = Array.isArray(content)
      ? (content as OrderedNode[])
          .filter((child) => TEXT in child)
          .map((child) => String(child[TEXT]))
          .join('')
      : '';
    elements.push({
      name,
      text: text.trim(),
      attributes: readAttributes(node[ATTRIBUTES]),
      children,
    });
  }
  return elements;
}

function readAttributes(value: unknown): Record<string, string> {
  const attributes: Record<string, string> = {};
  if (value === null || typeof value !== 'object') return attributes;
  for (const [key, attribute] of Object.entries(value)) {
    attributes[key] = String(attribute);
  }
  return attributes;
}

/** Returns the first child whose name matches `name`, ignoring case. */
export function findChild(
  element: XmlElement,
  name: string,
): XmlElement | undefined {
  const expected = name.toLowerCase();
  return element.children.find(
    (child) => child.name.toLowerCase() === expected,
  );
}

/** An element to write: text content, or child elements, with attributes. */
export interface XmlNode {
  readonly name: string;
  readonly text?: string;
  readonly attributes?: Readonly<Record<string, string>>;
  readonly children?: readonly XmlNode[];
}

/** Serialises `root` as an XML document with a declaration line. */
export function buildXml(root: XmlNode): string {
  // A raw carriage return would read back as a line feed, so it is escaped.
  const body = String(builder.build([toOrderedNode(root)])).replace(
    /\r/g,
    '&#xD;',
  );
  return `<?xml version="1.0" encoding="UTF-8"?>\n${body.trim()}\n`;
}

function toOrderedNode(node: XmlNode): OrderedNode {
  const content: OrderedNode[] =
    node.children !== undefined
      ? node.children.map(toOrderedNode)
      : node.text !== undefined && node.text !== ''
        ? [{ [TEXT]: node.text }]
        : [];
  const ordered: OrderedNode = { [node.name]: content };
  if (node.attributes !== undefined)
    ordered[ATTRIBUTES] = { ...node.attributes };
  return ordered;
}
