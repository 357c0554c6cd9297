/**
 * The fields an Activate URL, a `web+swivel:` link or a QR code can carry. Every
 * field is optional because Swivel's link settings split them across three
 * forms: settings only, code only, or both.
 */
export interface ProvisionLink {
  readonly kind: 'provision';
  readonly siteId?: string;
  readonly username?: string;
  readonly code?: string;
}

/** An `otpauth://` key URI, recognised so that it can be reported as unsupported. */
export interface OtpAuthLink {
  readonly kind: 'otpauth';
  /** `totp` or `hotp`. */
  readonly type: string;
  /** The label after the type, such as `Swivel:alice`. */
  readonly label: string;
}

export type ParsedLink = ProvisionLink | OtpAuthLink;

/** Raised for text that is not any accepted link form. */
export class LinkError extends Error {
  override readonly name = 'LinkError';

  constructor(
    message: string,
    /** The text that was read, for showing to the user. */
    readonly input: string,
  ) {
    super(message);
  }
}

/** The scheme of the manifest's protocol handler. */
export const PROTOCOL_SCHEME = 'web+swivel:';

const SITE_ID_KEYS = ['siteid', 'siteId', 'id'];
const USERNAME_KEYS = ['username', 'user'];
const CODE_KEYS = ['code', 'provisioncode', 'ProvisionCode'];
/** Query keys under which `/activate` receives a whole link, for example from the protocol handler. */
const NESTED_LINK_KEYS = ['link', 'url', 'text'];

const MAX_INPUT_LENGTH = 4096;
const MAX_NESTING = 3;
/** Base for reading path-only links; never requested. */
const PLACEHOLDER_ORIGIN = 'https://link.invalid';

/**
 * Parses an Activate URL in any accepted form, in this order: Base64 text of
 * a link, `/smc/complete/{siteId}/{username}/{code}`, query keys on any path,
 * `/smc/getsettings/{siteId}`, `/smc/provision/{code}`, and `web+swivel:`
 * links that carry any of these. `otpauth://` URIs are recognised too.
 *
 * @throws LinkError when the text carries none of the fields.
 */
export function parseLink(input: string): ParsedLink {
  return parseText(input, input, 0);
}

function parseText(text: string, input: string, depth: number): ParsedLink {
  const trimmed = text.trim();
  if (trimmed === '') throw new LinkError('The link is empty.', input);
  if (trimmed.length > MAX_INPUT_LENGTH) {
    throw new LinkError(
      `The link is ${trimmed.length} characters long, more than the ${MAX_INPUT_LENGTH} an Activate URL can have.`,
      input,
    );
  }
  if (depth > MAX_NESTING) {
    throw new LinkError('The link nests other links too deeply.', input);
  }

  const decoded = decodeBase64Link(trimmed);
  if (decoded !== null) return parseText(decoded, input, depth + 1);

  if (/^otpauth:\/\//i.test(trimmed)) return parseOtpAuth(trimmed, input);

  const url = toUrl(trimmed);
  if (url === null) {
    throw new LinkError(
      'This is not an Activate URL. It should start with https:// or web+swivel: and contain a Site ID, username or provision code.',
      input,
    );
  }

  for (const key of NESTED_LINK_KEYS) {
    const nested = url.searchParams.get(key);
    if (nested !== null && nested.trim() !== '') {
      return parseText(nested, input, depth + 1);
    }
  }

  const link = {
    ...readQuery(url.searchParams),
    ...readPath(url.pathname, input),
  };
  if (
    link.siteId === undefined &&
    link.username === undefined &&
    link.code === undefined
  ) {
    throw new LinkError(
      'The link has no Site ID, username or provision code. Open the Activate URL from your email or text message as it was sent.',
      input,
    );
  }
  return { kind: 'provision', ...link };
}

type LinkFields = Omit<ProvisionLink, 'kind'>;

/**
 * Reads a `web+swivel:` link, an absolute http(s) URL, or a path such as
 * `/smc/complete/...`, and returns it as a URL, or null for other text.
 */
function toUrl(text: string): URL | null {
  let rest = text;
  if (rest.toLowerCase().startsWith(PROTOCOL_SCHEME)) {
    rest = rest.slice(PROTOCOL_SCHEME.length).replace(/^\/\//, '');
    if (/^https?:\/\//i.test(rest)) return safeUrl(rest);
    return safeUrl(`${PLACEHOLDER_ORIGIN}/${rest.replace(/^\/+/, '')}`);
  }
  if (/^https?:\/\//i.test(rest)) return safeUrl(rest);
  if (rest.startsWith('/') || rest.startsWith('?')) {
    return safeUrl(
      `${PLACEHOLDER_ORIGIN}${rest.startsWith('?') ? '/' : ''}${rest}`,
    );
  }
  if (/^smc\//i.test(rest)) return safeUrl(`${PLACEHOLDER_ORIGIN}/${rest}`);
  return null;
}

function safeUrl(text: string): URL | null {
  try {
    return new URL(text);
  } catch {
    return null;
  }
}

function readQuery(params: URLSearchParams): LinkFields {
  return compact({
    siteId: firstValue(params, SITE_ID_KEYS),
    username: firstValue(params, USERNAME_KEYS),
    code: firstValue(params, CODE_KEYS),
  });
}

function firstValue(
  params: URLSearchParams,
  keys: readonly string[],
): string | undefined {
  for (const key of keys) {
    const value = params.get(key)?.trim();
    if (value !== undefined && value !== '') return value;
  }
  return undefined;
}

/**
 * Reads the three `/smc/...` path forms. The segments are split on `/` first
 * and then percent-decoded once each, so an encoded `/` stays inside its field.
 */
function readPath(pathname: string, input: string): LinkFields {
  // Empty segments are kept, so that `/smc/complete//alice/123` reads as a
  // link without a Site ID instead of shifting every field.
  const segments = pathname.split('/');
  const smc = segments.findIndex((segment) => segment.toLowerCase() === 'smc');
  if (smc < 0) return {};

  const form = segments[smc + 1]?.toLowerCase();
  const values = segments
    .slice(smc + 2)
    .map((segment) => decodeSegment(segment, input));
  switch (form) {
    case 'complete':
      return compact({
        siteId: values[0],
        username: values[1],
        code: values[2],
      });
    case 'getsettings':
      return compact({ siteId: values[0] });
    case 'provision':
      return compact({ code: values[0] });
    default:
      return {};
  }
}

function decodeSegment(segment: string, input: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new LinkError(
      `The link part "${segment}" has a broken percent-encoding. Copy the whole link again from the message you received.`,
      input,
    );
  }
}

function compact(
  fields: Partial<Record<keyof LinkFields, string>>,
): LinkFields {
  const result: { -readonly [Key in keyof LinkFields]?: string } = {};
  for (const [key, value] of Object.entries(fields) as [
    keyof LinkFields,
    string | undefined,
  ][]) {
    const trimmed = value?.trim();
    if (trimmed !== undefined && trimmed !== '') result[key] = trimmed;
  }
  return result;
}

function parseOtpAuth(text: string, input: string): OtpAuthLink {
  const url = safeUrl(text);
  const type = url?.hostname.toLowerCase() ?? '';
  if (url === null || (type !== 'totp' && type !== 'hotp')) {
    throw new LinkError(
      'This otpauth link is not a valid TOTP or HOTP key.',
      input,
    );
  }
  let label = url.pathname.replace(/^\//, '');
  try {
    label = decodeURIComponent(label);
  } catch {
    // Keep the label as written; it is only shown to the user.
  }
  return { kind: 'otpauth', type, label };
}

/**
 * Decodes standard or URL-safe Base64 text when it decodes to UTF-8 text that
 * looks like a link. Returns null for anything else, so that plain codes and
 * words are not mistaken for Base64.
 */
function decodeBase64Link(text: string): string | null {
  if (text.length < 8 || !/^[A-Za-z0-9+/_-]+={0,2}$/.test(text)) return null;
  const standard = text.replace(/-/g, '+').replace(/_/g, '/');
  const padded = standard.padEnd(Math.ceil(standard.length / 4) * 4, '=');
  let decoded: string;
  try {
    const bytes = Uint8Array.from(atob(padded), (char) => char.charCodeAt(0));
    decoded = new TextDecoder('utf-8', { fatal: true }).decode(bytes).trim();
  } catch {
    return null;
  }
  const looksLikeLink =
    /^(https?:\/\/|web\+swivel:|otpauth:\/\/|\/|\?|smc\/)/i.test(decoded);
  return looksLikeLink ? decoded : null;
}
