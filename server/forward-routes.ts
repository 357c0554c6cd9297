import type {
  FastifyError,
  FastifyInstance,
  FastifyReply,
  FastifyRequest,
} from 'fastify';
import type { IncomingHttpHeaders } from 'node:http';

import { SSD_LOOKUP_PATH } from '../src/protocol/ssd.js';
import { AGENT_BODY_LIMIT, AGENT_CONTEXTS } from './agent-routes.js';
import {
  UpstreamError,
  describeTarget,
  requestUpstream,
  type UpstreamFailure,
  type UpstreamRequest,
} from './upstream-request.js';

/** Settings of deployment mode that the forwarded routes use. */
export interface ForwardContext {
  readonly swivelUrl: URL;
  readonly ssdUrl: URL;
  readonly upstreamTimeoutMs: number;
}

/** One of the two servers that requests are forwarded to. */
interface Upstream {
  /** Name in log lines: `swivel` or `directory`. */
  readonly id: 'swivel' | 'directory';
  /** Name in replies to the browser. */
  readonly label: string;
  /** The variable that sets its URL, named in log lines. */
  readonly setting: 'SWIVEL_URL' | 'SSD_URL';
}

const SWIVEL: Upstream = {
  id: 'swivel',
  label: 'The Swivel server',
  setting: 'SWIVEL_URL',
};
const DIRECTORY: Upstream = {
  id: 'directory',
  label: 'The Swivel directory',
  setting: 'SSD_URL',
};

/**
 * Request headers passed to the Swivel server. Every other header stays
 * behind: cookies, credentials, hop-by-hop headers such as Connection and
 * Transfer-Encoding, and Host, which fetch sets for the target.
 */
const FORWARDED_REQUEST_HEADERS = [
  'content-type',
  'accept',
  'accept-language',
  'user-agent',
] as const;

const TEXT = 'text/plain; charset=utf-8';

/**
 * Registers deployment mode's forwarded routes: `POST /{context}/AgentXML`
 * for each context goes to `${swivelUrl}/AgentXML`, and
 * `GET /ssdserver/getServerDetails?id=…` goes to the same path under
 * `ssdUrl`. Bodies over 64 KiB get 413, a timeout gets 504 and any other
 * failure to get a reply gets 502. Request and reply bodies are never
 * logged, because they carry provision codes, provision ids and security
 * strings.
 */
export async function forwardRoutes(
  app: FastifyInstance,
  context: ForwardContext,
): Promise<void> {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) =>
    done(null, body),
  );
  app.setErrorHandler(replyWithForwardError);

  const agentTarget = agentXmlUrl(context.swivelUrl);
  for (const name of AGENT_CONTEXTS) {
    app.post(
      `/${name}/AgentXML`,
      { bodyLimit: AGENT_BODY_LIMIT },
      (request, reply) =>
        forwardAgentRequest(context, agentTarget, request, reply),
    );
  }
  app.get<{ Querystring: { id?: string | string[] } }>(
    SSD_LOOKUP_PATH,
    (request, reply) => forwardLookup(context, request, reply),
  );
}

/** Returns `${swivelUrl}/AgentXML`, keeping any path of `swivelUrl`. */
export function agentXmlUrl(swivelUrl: URL): URL {
  return new URL(`${swivelUrl.href.replace(/\/+$/, '')}/AgentXML`);
}

/** Returns the directory lookup URL under `ssdUrl` for a Site ID. */
export function lookupUrl(ssdUrl: URL, siteId: string | undefined): URL {
  const base = ssdUrl.href.endsWith('/') ? ssdUrl.href : `${ssdUrl.href}/`;
  const url = new URL(SSD_LOOKUP_PATH.slice(1), base);
  if (siteId !== undefined) url.searchParams.set('id', siteId);
  return url;
}

function forwardAgentRequest(
  context: ForwardContext,
  target: URL,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<FastifyReply> {
  const received = Buffer.isBuffer(request.body)
    ? request.body
    : Buffer.alloc(0);
  // A copy, because fetch takes only a view of a plain ArrayBuffer.
  const body = new Uint8Array(received);
  const headers = {
    ...pickHeaders(request.headers, FORWARDED_REQUEST_HEADERS),
    'x-forwarded-for': request.ip,
    'x-forwarded-proto': request.protocol,
  };
  const upstreamRequest = {
    method: 'POST',
    headers,
    body,
    timeoutMs: context.upstreamTimeoutMs,
  } as const;
  // Security strings must not stay in any cache on the way.
  return relay(SWIVEL, target, upstreamRequest, 'no-store', request, reply);
}

/**
 * Forwards a Site ID lookup with only an Accept header: the directory is a
 * third party, so it learns neither the user's address nor their user agent.
 */
function forwardLookup(
  context: ForwardContext,
  request: FastifyRequest<{ Querystring: { id?: string | string[] } }>,
  reply: FastifyReply,
): Promise<FastifyReply> {
  const { id } = request.query;
  const siteId = typeof id === 'string' ? id : undefined;
  const target = lookupUrl(context.ssdUrl, siteId);
  const upstreamRequest = {
    method: 'GET',
    headers: { accept: 'application/xml, text/xml, */*' },
    timeoutMs: context.upstreamTimeoutMs,
  } as const;
  return relay(DIRECTORY, target, upstreamRequest, 'no-cache', request, reply);
}

function pickHeaders(
  headers: IncomingHttpHeaders,
  names: readonly string[],
): Record<string, string> {
  const picked: Record<string, string> = {};
  for (const name of names) {
    const value = headers[name];
    if (typeof value === 'string') picked[name] = value;
  }
  return picked;
}

/**
 * Sends the request upstream and replies with the upstream's status,
 * Content-Type and body. No other upstream header is passed on, so neither
 * Set-Cookie nor hop-by-hop headers reach the browser.
 */
async function relay(
  upstream: Upstream,
  target: URL,
  upstreamRequest: UpstreamRequest,
  cacheControl: string,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<FastifyReply> {
  const started = performance.now();
  try {
    const result = await requestUpstream(target, upstreamRequest);
    const durationMs = Math.round(performance.now() - started);
    request.log.info(
      { upstream: upstream.id, status: result.status, durationMs },
      'request forwarded',
    );
    reply.code(result.status).header('cache-control', cacheControl);
    if (result.contentType !== null) reply.type(result.contentType);
    return reply.send(result.body);
  } catch (error) {
    if (!(error instanceof UpstreamError)) throw error;
    return replyWithUpstreamFailure(upstream, target, error, request, reply);
  }
}

function replyWithUpstreamFailure(
  upstream: Upstream,
  target: URL,
  error: UpstreamError,
  request: FastifyRequest,
  reply: FastifyReply,
): FastifyReply {
  const timedOut = error.failure === 'timeout';
  request.log.warn(
    {
      upstream: upstream.id,
      target: describeTarget(target),
      failure: error.failure,
      err: error,
    },
    `forwarding failed: ${error.message} ${ADVICE[error.failure](upstream)}`,
  );
  const message = timedOut
    ? `${upstream.label} did not reply in time. Try again later, and if it keeps failing, tell your administrator.`
    : `${upstream.label} could not be reached from this host. Try again later, and if it keeps failing, tell your administrator.`;
  return reply
    .code(timedOut ? 504 : 502)
    .type(TEXT)
    .header('cache-control', 'no-store')
    .send(message);
}

/** Advice to the administrator for each kind of failure, for the log line. */
const ADVICE: Readonly<
  Record<UpstreamFailure, (upstream: Upstream) => string>
> = {
  timeout: ({ setting }) =>
    `Check that ${setting} is right and the server is up, or raise UPSTREAM_TIMEOUT_SECONDS.`,
  unreachable: ({ setting }) =>
    `Check ${setting} and that this host can reach that address.`,
  'untrusted-certificate': ({ setting }) =>
    `Fix the certificate of the server at ${setting}, or, for a private CA, start this server with NODE_EXTRA_CA_CERTS set to a PEM file of that CA.`,
  redirect: ({ setting }) =>
    `Set ${setting} to the address that the server redirects to.`,
  'reply-too-large': ({ setting }) =>
    `Check that ${setting} points at a Swivel server.`,
};

/**
 * Replies to errors raised before a forwarding handler runs, such as a body
 * over 64 KiB, which is never forwarded.
 */
function replyWithForwardError(
  error: FastifyError,
  request: FastifyRequest,
  reply: FastifyReply,
): FastifyReply {
  const statusCode = error.statusCode ?? 500;
  if (statusCode >= 500) {
    request.log.error({ err: error }, 'forwarding request failed');
    return reply
      .code(500)
      .type(TEXT)
      .send(
        'The server failed to handle the request: see the server log for the error.',
      );
  }
  request.log.info({ err: error }, 'request to forward rejected');
  const message =
    error.code === 'FST_ERR_CTP_BODY_TOO_LARGE'
      ? `The request body is larger than ${AGENT_BODY_LIMIT / 1024} KiB, so it was not forwarded: send a single SASRequest document.`
      : 'The request could not be read, so it was not forwarded: send a SASRequest document with Content-Type: application/xml.';
  return reply.code(statusCode).type(TEXT).send(message);
}
