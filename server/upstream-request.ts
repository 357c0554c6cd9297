/**
 * Largest reply body accepted from an upstream server, in bytes. A batch of
 * 99 security strings is a few KiB, so anything near this size is not a
 * Swivel reply.
 */
export const MAX_UPSTREAM_REPLY_BYTES = 1024 * 1024;

/** Cause of a forwarded request that got no reply to pass on. */
export type UpstreamFailure =
  | 'timeout'
  | 'unreachable'
  | 'untrusted-certificate'
  | 'redirect'
  | 'reply-too-large';

/** A forwarded request that failed. The message names the URL and the cause. */
export class UpstreamError extends Error {
  override readonly name = 'UpstreamError';
  readonly failure: UpstreamFailure;

  constructor(
    failure: UpstreamFailure,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.failure = failure;
  }
}

/** A request to send to an upstream server. */
export interface UpstreamRequest {
  readonly method: 'GET' | 'POST';
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: Uint8Array<ArrayBuffer>;
  /** Time for the whole exchange, reply body included, in milliseconds. */
  readonly timeoutMs: number;
}

/** An upstream reply, read whole. */
export interface UpstreamReply {
  readonly status: number;
  readonly contentType: string | null;
  readonly body: Buffer;
}

/** Error codes of Node's TLS layer for a certificate that fails verification. */
const CERTIFICATE_ERROR_CODES = new Set([
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_UNTRUSTED',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
]);

/** Error codes of undici, the client behind Node's fetch, for a timeout. */
const TIMEOUT_ERROR_CODES = new Set([
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
]);

/**
 * Sends one request with Node's fetch and reads the whole reply.
 *
 * The upstream's TLS certificate is verified against Node's CA store, which
 * `NODE_EXTRA_CA_CERTS` extends. Redirects are not followed, because a
 * redirect means the configured URL is not the server's address.
 *
 * @throws UpstreamError when the exchange times out, the server cannot be
 *   reached, its certificate is not trusted, it redirects, or its reply is
 *   larger than {@link MAX_UPSTREAM_REPLY_BYTES}.
 */
export async function requestUpstream(
  target: URL,
  request: UpstreamRequest,
): Promise<UpstreamReply> {
  const { timeoutMs } = request;
  try {
    const response = await fetch(target, {
      method: request.method,
      headers: request.headers,
      ...(request.body === undefined ? {} : { body: request.body }),
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
    });
    if (response.status >= 300 && response.status < 400) {
      await response.body?.cancel();
      const location = response.headers.get('location') ?? 'no Location';
      throw new UpstreamError(
        'redirect',
        `${describeTarget(target)} replied with HTTP ${response.status} and a redirect to ${location}.`,
      );
    }
    const body = await readLimitedBody(response, target);
    const contentType = response.headers.get('content-type');
    return { status: response.status, contentType, body };
  } catch (error) {
    if (error instanceof UpstreamError) throw error;
    throw classifyFetchError(error, target, timeoutMs);
  }
}

/** Returns the URL without its query, which may carry a Site ID, for logs. */
export function describeTarget(target: URL): string {
  return `${target.origin}${target.pathname}`;
}

async function readLimitedBody(
  response: Response,
  target: URL,
): Promise<Buffer> {
  const tooLarge = (): UpstreamError =>
    new UpstreamError(
      'reply-too-large',
      `${describeTarget(target)} sent a reply larger than ${MAX_UPSTREAM_REPLY_BYTES} bytes.`,
    );
  const declaredLength = Number(response.headers.get('content-length'));
  if (declaredLength > MAX_UPSTREAM_REPLY_BYTES) {
    await response.body?.cancel();
    throw tooLarge();
  }
  if (response.body === null) return Buffer.alloc(0);

  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > MAX_UPSTREAM_REPLY_BYTES) {
      await reader.cancel();
      throw tooLarge();
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}

/**
 * Turns an error of fetch or of reading the body into an UpstreamError.
 * Fetch rejects with a TypeError whose `cause` carries the system or TLS
 * error code, and with a `TimeoutError` when the signal fires.
 */
function classifyFetchError(
  error: unknown,
  target: URL,
  timeoutMs: number,
): UpstreamError {
  const where = describeTarget(target);
  const cause = error instanceof Error ? error.cause : undefined;
  const code = errorCode(cause) ?? errorCode(error) ?? '';
  const timedOut =
    (error instanceof DOMException && error.name === 'TimeoutError') ||
    TIMEOUT_ERROR_CODES.has(code);
  if (timedOut) {
    return new UpstreamError(
      'timeout',
      `${where} did not reply within ${timeoutMs} ms.`,
      { cause: error },
    );
  }
  const detail = describeCause(cause ?? error);
  if (CERTIFICATE_ERROR_CODES.has(code)) {
    return new UpstreamError(
      'untrusted-certificate',
      `The TLS certificate of ${where} failed verification: ${detail}.`,
      { cause: error },
    );
  }
  return new UpstreamError(
    'unreachable',
    `Failed to connect to ${where}: ${detail}.`,
    { cause: error },
  );
}

function errorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null || !('code' in error)) {
    return undefined;
  }
  return typeof error.code === 'string' ? error.code : undefined;
}

function describeCause(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
