import type { Policy } from './policies.js';
import { ProtocolError, ProtocolErrorCode } from './protocol-error.js';
import { buildXml, findChild, parseXml, type XmlNode } from './xml.js';

export { isPolicyOn, type Policy, PolicyId } from './policies.js';

/** The `Version` this client sends. Servers require the element but do not check its value. */
export const AGENT_XML_VERSION = '3.6';

/** `Content-Type` of every Agent-XML request and response. */
export const AGENT_XML_CONTENT_TYPE = 'application/xml; charset=utf-8';

/**
 * The request elements, in the order Swivel's agents write them. Element
 * names are case-sensitive on the wire, so this table fixes their spelling.
 */
const REQUEST_ELEMENTS = [
  ['version', 'Version'],
  ['secret', 'Secret'],
  ['action', 'Action'],
  ['username', 'Username'],
  ['password', 'Password'],
  ['provisionCode', 'ProvisionCode'],
  ['pushId', 'PushId'],
  ['deviceOs', 'DeviceOS'],
  ['id', 'Id'],
  ['otc', 'OTC'],
  ['requestId', 'RequestID'],
] as const;

type RequestField = (typeof REQUEST_ELEMENTS)[number][0];

/** An Agent-XML request (`SASRequest`) with every element it may carry. */
export type AgentRequest = { readonly action: string } & {
  readonly [Field in Exclude<RequestField, 'action'>]?: string;
};

/** An Agent-XML response (`SASResponse`). */
export interface AgentResponse {
  readonly version?: string;
  readonly requestId?: string;
  /** `PASS` or `FAIL`. */
  readonly result: string;
  /** Error code on `FAIL`, such as `USER_NOT_FOUND`. */
  readonly error?: string;
  readonly errorDescription?: string;
  /** The provision id returned by a successful `provision`. */
  readonly id?: string;
  /** The raw `;`-separated batch returned by `SecurityStrings`. */
  readonly securityStrings?: string;
  readonly policies?: readonly Policy[];
}

/** Builds the mobile client's `ping` request: `Version` and `Action` only. */
export function buildPingRequest(): string {
  return buildRequest({ version: AGENT_XML_VERSION, action: 'ping' });
}

/** Builds the mobile client's `provision` request. It carries no `Secret`. */
export function buildProvisionRequest(
  username: string,
  provisionCode: string,
): string {
  return buildRequest({
    version: AGENT_XML_VERSION,
    action: 'provision',
    username,
    provisionCode,
  });
}

/** Builds the mobile client's `SecurityStrings` request for a provision id. */
export function buildSecurityStringsRequest(provisionId: string): string {
  return buildRequest({
    version: AGENT_XML_VERSION,
    action: 'SecurityStrings',
    id: provisionId,
  });
}

/** Serialises any `SASRequest`, writing only the fields that are set. */
export function buildRequest(request: AgentRequest): string {
  const children: XmlNode[] = [];
  for (const [field, element] of REQUEST_ELEMENTS) {
    const value = request[field];
    if (value !== undefined) children.push({ name: element, text: value });
  }
  return buildXml({ name: 'SASRequest', children });
}

/**
 * Reads a `SASRequest`. Element names are matched without regard to case.
 *
 * @throws ProtocolError when the XML is malformed, the root is not
 *   `SASRequest`, or `Action` is missing.
 */
export function readRequest(xml: string): AgentRequest {
  const root = parseXml(xml);
  expectRoot(root.name, 'SASRequest');
  const fields: Partial<Record<RequestField, string>> = {};
  for (const [field, element] of REQUEST_ELEMENTS) {
    const child = findChild(root, element);
    if (child !== undefined) fields[field] = child.text;
  }
  const { action } = fields;
  if (action === undefined || action === '') {
    throw new ProtocolError(
      ProtocolErrorCode.MissingElement,
      'The request has no Action element.',
    );
  }
  return { ...fields, action };
}

/** Serialises a `SASResponse`. `requestIdElement` keeps each action's spelling. */
export function buildResponse(
  response: AgentResponse,
  requestIdElement: 'RequestID' | 'RequestId' = 'RequestID',
): string {
  const children: XmlNode[] = [];
  const add = (name: string, text: string | undefined): void => {
    if (text !== undefined) children.push({ name, text });
  };
  add('Version', response.version ?? AGENT_XML_VERSION);
  add(requestIdElement, response.requestId);
  add('Result', response.result);
  add('Error', response.error);
  add('ErrorDescription', response.errorDescription);
  add('Id', response.id);
  add('SecurityStrings', response.securityStrings);
  if (response.policies !== undefined) {
    children.push({
      name: 'Policies',
      children: response.policies.map((policy) => ({
        name: 'Policy',
        attributes: {
          id: policy.id,
          section: policy.section,
          show: policy.show,
        },
        text: policy.value,
      })),
    });
  }
  return buildXml({ name: 'SASResponse', children });
}

/**
 * Reads a `SASResponse`. Element names are matched without regard to case,
 * because Swivel spells `RequestID` differently between actions.
 *
 * @throws ProtocolError when the XML is malformed, the root is not
 *   `SASResponse`, or `Result` is missing.
 */
export function readResponse(xml: string): AgentResponse {
  const root = parseXml(xml);
  expectRoot(root.name, 'SASResponse');
  const text = (name: string): string | undefined =>
    findChild(root, name)?.text;
  const result = text('Result');
  if (result === undefined || result === '') {
    throw new ProtocolError(
      ProtocolErrorCode.MissingElement,
      'The server reply has no Result element.',
    );
  }
  const policiesElement = findChild(root, 'Policies');
  const policies = policiesElement?.children
    .filter((child) => child.name.toLowerCase() === 'policy')
    .map((child) => ({
      id: attribute(child.attributes, 'id'),
      section: attribute(child.attributes, 'section'),
      show: attribute(child.attributes, 'show'),
      value: child.text,
    }));
  return {
    version: text('Version'),
    requestId: text('RequestID'),
    result: result.toUpperCase(),
    error: text('Error'),
    errorDescription: text('ErrorDescription'),
    id: text('Id'),
    securityStrings: text('SecurityStrings'),
    policies,
  };
}

function attribute(
  attributes: Readonly<Record<string, string>>,
  name: string,
): string {
  const key = Object.keys(attributes).find(
    (candidate) => candidate.toLowerCase() === name,
  );
  return key === undefined ? '' : (attributes[key] ?? '');
}

function expectRoot(actual: string, expected: string): void {
  if (actual.toLowerCase() !== expected.toLowerCase()) {
    throw new ProtocolError(
      ProtocolErrorCode.UnexpectedRoot,
      `Expected a ${expected} document but the root element is ${actual}.`,
    );
  }
}

/** Error codes in a `FAIL` response's `Error` element. */
export const AgentErrorCode = {
  UserNotFound: 'USER_NOT_FOUND',
  InvalidProvisionCode: 'INVALID_PROVISION_CODE',
  ProvisionCodeExpired: 'PROVISION_CODE_EXPIRED',
  NotProvisioned: 'NOT_PROVISIONED',
  MissingField: 'MISSING_FIELD',
  InvalidSecret: 'INVALID_SECRET',
  /** A `login` was rejected; one code for every reason, so agents cannot probe usernames. */
  AuthenticationFailed: 'AUTHENTICATION_FAILED',
  UnknownAction: 'UNKNOWN_ACTION',
  MalformedRequest: 'MALFORMED_REQUEST',
} as const;
