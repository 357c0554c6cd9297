import type { FastifyRequest } from 'fastify';

/** The scheme, host and port at which users reach this server. */
export interface PublicOrigin {
  /** Scheme, host and port, such as `https://swivel.example.com:8443`. */
  readonly origin: string;
  /** Host name or IP address, with no brackets around an IPv6 address. */
  readonly host: string;
  readonly port: number;
  readonly tls: boolean;
}

/** The request's Host header is missing or is not a valid host. */
export class InvalidHostError extends Error {
  override readonly name = 'InvalidHostError';
}

/**
 * Returns the public origin: `publicUrl` when it is set, otherwise the
 * request's scheme and Host header.
 *
 * Fastify reads X-Forwarded-Proto and X-Forwarded-Host only when it was
 * created with `trustProxy`. With `trustProxy`, X-Forwarded-Port also
 * overrides the port.
 *
 * @throws InvalidHostError when the origin comes from a request whose Host
 *   header is missing or invalid.
 */
export function resolvePublicOrigin(
  publicUrl: URL | undefined,
  request: FastifyRequest,
  trustProxy: boolean,
): PublicOrigin {
  const url = publicUrl ?? originFromRequest(request, trustProxy);
  const tls = url.protocol === 'https:';
  const defaultPort = tls ? 443 : 80;
  const port = url.port === '' ? defaultPort : Number(url.port);
  return {
    origin: url.origin,
    host: url.hostname.replace(/^\[(.*)\]$/, '$1'),
    port,
    tls,
  };
}

function originFromRequest(request: FastifyRequest, trustProxy: boolean): URL {
  const scheme = request.protocol === 'https' ? 'https' : 'http';
  let url: URL;
  try {
    url = new URL(`${scheme}://${request.host}`);
  } catch {
    throw new InvalidHostError(
      'The request has no valid Host header: send one, or set PUBLIC_URL on the server.',
    );
  }
  if (url.pathname !== '/' || url.search !== '' || url.username !== '') {
    throw new InvalidHostError(
      'The Host header is not a host name and port: send a valid Host header, or set PUBLIC_URL on the server.',
    );
  }
  const forwardedPort = trustProxy
    ? lastHeaderValue(request.headers['x-forwarded-port'])
    : undefined;
  if (forwardedPort !== undefined && /^\d{1,5}$/.test(forwardedPort)) {
    url.port = forwardedPort;
  }
  return url;
}

function lastHeaderValue(
  value: string | string[] | undefined,
): string | undefined {
  const text = Array.isArray(value) ? value.at(-1) : value;
  return text?.split(',').at(-1)?.trim();
}
