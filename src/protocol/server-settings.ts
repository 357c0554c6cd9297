import { ProtocolError, ProtocolErrorCode } from './protocol-error.js';

/** The address of a Swivel server, as the directory (SSD) describes it. */
export interface ServerSettings {
  readonly host: string;
  readonly port: number;
  /** Whether the server speaks HTTPS. */
  readonly tls: boolean;
  /** The path segment before `/AgentXML`: `proxy`, `pinsafe` or `sentry`. */
  readonly context: string;
}

/**
 * Validates a host name or IP address and returns it as a URL writes it: in
 * lower case, international names in punycode, IPv6 in its shortest form.
 *
 * @throws ProtocolError with code `INVALID_VALUE` for anything that could not
 *   be the host part of a URL.
 */
export function readHost(value: string): string {
  const host = value.trim().toLowerCase();
  const hint = hostHint(host);
  if (hint !== null) {
    throw new ProtocolError(ProtocolErrorCode.InvalidValue, hint);
  }
  let hostname: string | undefined;
  try {
    const url = new URL(`http://${bracketIpv6(host)}/`);
    const plain =
      url.port === '' &&
      url.pathname === '/' &&
      url.username === '' &&
      url.password === '' &&
      url.search === '' &&
      url.hash === '';
    if (plain) hostname = url.hostname.replace(/^\[(.*)\]$/, '$1');
  } catch {
    hostname = undefined;
  }
  // The URL parser percent-decodes host names, so `%41` would become `a`.
  if (host === '' || host.includes('%') || hostname === undefined) {
    throw new ProtocolError(
      ProtocolErrorCode.InvalidValue,
      `"${value}" is not a valid host name.`,
    );
  }
  return hostname;
}

/** Returns advice for the common mistakes in a typed host, or null. */
function hostHint(host: string): string | null {
  if (host === '') {
    return "Enter the server's host name, such as swivel.example.com.";
  }
  if (host.includes('://')) {
    return `Enter the host name without http:// or https://, such as ${host.split('://')[1]?.split(/[/:]/)[0] ?? 'swivel.example.com'}.`;
  }
  const colons = host.split(':').length - 1;
  if (colons === 1 && /:\d+$/.test(host)) {
    return 'Enter the port in the Port field, not after the host name.';
  }
  return null;
}

function bracketIpv6(host: string): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}

/**
 * Validates a TCP port. An empty value means the scheme's default port.
 *
 * @throws ProtocolError with code `INVALID_VALUE` outside 1 to 65535.
 */
export function readPort(value: string, tls: boolean): number {
  const trimmed = value.trim();
  if (trimmed === '') return tls ? 443 : 80;
  const port = Number(trimmed);
  if (!/^\d+$/.test(trimmed) || port < 1 || port > 65535) {
    throw new ProtocolError(
      ProtocolErrorCode.InvalidValue,
      `"${value}" is not a valid port: use a number from 1 to 65535.`,
    );
  }
  return port;
}

/**
 * Validates a context such as `proxy` or `/pinsafe` and returns it without
 * slashes.
 *
 * @throws ProtocolError with code `INVALID_VALUE` for an empty context or one
 *   with characters that do not belong in a path segment.
 */
export function readContext(value: string): string {
  const context = value.trim().replace(/^\/+|\/+$/g, '');
  // `.` and `..` are path steps, not names, and would move the request.
  if (!/^[A-Za-z0-9._~-]+$/.test(context) || /^\.+$/.test(context)) {
    throw new ProtocolError(
      ProtocolErrorCode.InvalidValue,
      `"${value}" is not a valid context: use a single path name such as proxy, pinsafe or sentry.`,
    );
  }
  return context;
}

/** Builds `{scheme}://{host}:{port}/{context}`, the base of `/AgentXML`. */
export function serverBaseUrl(settings: ServerSettings): string {
  const scheme = settings.tls ? 'https' : 'http';
  const host = bracketIpv6(settings.host);
  return `${scheme}://${host}:${settings.port}/${settings.context}`;
}

/**
 * Returns whether the server is on the page's own origin, where the app can
 * call it directly instead of through its own host.
 */
export function isSameOrigin(
  settings: ServerSettings,
  pageOrigin: string,
): boolean {
  return new URL(serverBaseUrl(settings)).origin === new URL(pageOrigin).origin;
}
