import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/**
 * The app's Content-Security-Policy. The app loads only same-origin module
 * scripts and one same-origin stylesheet, and Lit's constructable
 * stylesheets need no `'unsafe-inline'`. `'wasm-unsafe-eval'` lets the QR
 * decoder compile its WebAssembly, and `data:` and `blob:` images and `blob:`
 * media serve the QR scanner's pictures and camera preview.
 */
const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "media-src 'self' blob:",
  "connect-src 'self'",
  "manifest-src 'self'",
  "worker-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * Browser features the app may use: the camera, for the app's own origin
 * only. Every feature listed with `()` is denied. Each name is one that
 * Chromium recognises, because Chromium logs a console error for an unknown
 * one.
 */
const PERMISSIONS_POLICY = [
  'camera=(self)',
  'microphone=()',
  'geolocation=()',
  'payment=()',
  'usb=()',
  'serial=()',
  'hid=()',
  'midi=()',
  'display-capture=()',
  'accelerometer=()',
  'gyroscope=()',
  'magnetometer=()',
].join(', ');

/**
 * Headers that the built-in server sends on every response, in every mode.
 * A static host serving `dist/` should send the same values; the README's
 * nginx configuration repeats them.
 */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = Object.freeze(
  {
    'Content-Security-Policy': CONTENT_SECURITY_POLICY,
    'Referrer-Policy': 'no-referrer',
    'Permissions-Policy': PERMISSIONS_POLICY,
    'X-Content-Type-Options': 'nosniff',
    'Cross-Origin-Opener-Policy': 'same-origin',
  },
);

/**
 * Strict-Transport-Security, sent only on responses to HTTPS requests: one
 * year, and not `includeSubDomains`, because other hosts of the same domain
 * may still need plain HTTP.
 */
export const HSTS_HEADER = Object.freeze({
  name: 'Strict-Transport-Security',
  value: 'max-age=31536000',
});

/**
 * Adds {@link SECURITY_HEADERS} to every response, and {@link HSTS_HEADER}
 * when users reach the server over HTTPS (see {@link setSecurityHeaders}).
 */
export function addSecurityHeaders(
  app: FastifyInstance,
  publicUrl: URL | undefined,
): void {
  app.addHook('onSend', async (request, reply, payload) => {
    setSecurityHeaders(request, reply, publicUrl);
    return payload;
  });
}

/**
 * Sets the security headers on one reply. Replies that Fastify's
 * `frameworkErrors` handler sends skip the `onSend` hook, so that handler
 * calls this itself.
 *
 * HSTS is sent when `publicUrl` is https, or, without `publicUrl`, when the
 * request came over HTTPS. A request counts as HTTPS from its
 * `X-Forwarded-Proto` header only when the server trusts its proxy
 * (`TRUST_PROXY`). Browsers ignore HSTS on a plain HTTP response.
 */
export function setSecurityHeaders(
  request: FastifyRequest,
  reply: FastifyReply,
  publicUrl: URL | undefined,
): void {
  reply.headers(SECURITY_HEADERS);
  const https =
    publicUrl === undefined
      ? request.protocol === 'https'
      : publicUrl.protocol === 'https:';
  if (https) reply.header(HSTS_HEADER.name, HSTS_HEADER.value);
}
