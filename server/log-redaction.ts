import type { FastifyRequest } from 'fastify';

/** Text that replaces a secret in the log. */
export const REDACTED = '[redacted]';

/**
 * Path prefixes whose remaining segments carry a provision code, such as
 * `/smc/complete/{siteId}/{username}/{code}` and `/smc/provision/{code}`.
 */
const SECRET_PATH_PREFIXES = ['/smc/complete/', '/smc/provision/'] as const;

/**
 * Query keys whose values are logged as sent. Every other value is redacted,
 * because Activate links may carry the provision code under several keys or
 * inside Base64 text.
 */
const LOGGED_QUERY_KEYS = new Set(['id', 'siteid', 'username', 'user']);

/**
 * Returns a request URL that is safe to log: everything after a secret path
 * prefix, and every query value except the Site ID and username, become
 * `[redacted]`.
 */
export function redactUrl(url: string): string {
  const queryStart = url.indexOf('?');
  const path = queryStart === -1 ? url : url.slice(0, queryStart);
  const query = queryStart === -1 ? undefined : url.slice(queryStart + 1);
  const safePath = redactPath(path);
  return query === undefined ? safePath : `${safePath}?${redactQuery(query)}`;
}

function redactPath(path: string): string {
  // Collapsing repeated slashes covers forms such as `/smc//complete/...`,
  // which the app also reads as an Activate URL.
  const collapsed = path.replace(/\/{2,}/g, '/');
  const lowerPath = collapsed.toLowerCase();
  for (const prefix of SECRET_PATH_PREFIXES) {
    const start = lowerPath.indexOf(prefix);
    const end = start + prefix.length;
    if (start !== -1 && collapsed.length > end) {
      return `${collapsed.slice(0, end)}${REDACTED}`;
    }
  }
  return path;
}

function redactQuery(query: string): string {
  return query
    .split('&')
    .map((pair) => {
      const separator = pair.indexOf('=');
      if (separator === -1) return pair === '' ? pair : REDACTED;
      const key = pair.slice(0, separator);
      const logged = LOGGED_QUERY_KEYS.has(safeDecode(key).toLowerCase());
      return logged ? pair : `${key}=${REDACTED}`;
    })
    .join('&');
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text.replaceAll('+', ' '));
  } catch {
    return text;
  }
}

/**
 * Serialises a request for the log like Fastify's default serializer, with
 * the URL passed through {@link redactUrl}.
 */
export function serializeRequest(request: FastifyRequest): {
  method: string;
  url: string;
  host: string;
  remoteAddress: string | undefined;
  remotePort: number | undefined;
} {
  return {
    method: request.method,
    url: redactUrl(request.url),
    host: request.host,
    remoteAddress: request.ip,
    remotePort: request.socket?.remotePort,
  };
}
