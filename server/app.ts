import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import Fastify, {
  type FastifyError,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
} from 'fastify';

import { adminRoutes } from './admin-routes.js';
import { AGENT_BODY_LIMIT, agentRoutes } from './agent-routes.js';
import type { ServerConfig } from './config.js';
import { forwardRoutes } from './forward-routes.js';
import { serializeRequest } from './log-redaction.js';
import { addSecurityHeaders, setSecurityHeaders } from './security-headers.js';
import { ssdRoute } from './ssd-route.js';
import { staticRoutes } from './static-routes.js';
import { UserDirectory } from './user-directory.js';

/** A destination for log lines: any object with a `write(line)` method. */
export interface LogDestination {
  write(line: string): void;
}

/** Options of {@link buildServer} that tests change. */
export interface BuildOptions {
  /**
   * Log settings: `false` turns logging off. Defaults to level `info` on
   * standard output, as JSON lines from Fastify's logger (pino).
   */
  readonly logger?:
    false | { readonly level?: string; readonly stream?: LogDestination };
  /**
   * State to serve. Defaults to an empty directory that uses `Date.now`.
   * Deployment mode has no directory and ignores this.
   */
  readonly directory?: UserDirectory;
}

/**
 * Builds the server: the web app with its security headers, and the
 * built-in Swivel server with Agent-XML, the directory lookup and, in demo
 * mode, the admin API. When `config.swivelUrl` is set, deployment mode
 * forwards Agent-XML and the directory lookup in place of the built-in
 * server. Call `listen` to start it.
 */
export async function buildServer(
  config: ServerConfig,
  options: BuildOptions = {},
): Promise<FastifyInstance> {
  const app = Fastify({
    logger: loggerOptions(options.logger),
    trustProxy: config.trustProxy,
    bodyLimit: AGENT_BODY_LIMIT,
    frameworkErrors: (error, request, reply) => {
      setSecurityHeaders(request, reply, config.publicUrl);
      replyWithFrameworkError(error, request, reply, config.staticDir);
    },
  });
  addSecurityHeaders(app, config.publicUrl);

  const { swivelUrl } = config;
  if (swivelUrl === undefined) {
    await registerBuiltInServer(app, config, options);
  } else {
    await app.register(forwardRoutes, {
      swivelUrl,
      ssdUrl: config.ssdUrl,
      upstreamTimeoutMs: config.upstreamTimeoutMs,
    });
  }
  await staticRoutes(app, config.staticDir);
  return app;
}

/** Registers Agent-XML, the directory lookup and, in demo mode, the admin API. */
async function registerBuiltInServer(
  app: FastifyInstance,
  config: ServerConfig,
  options: BuildOptions,
): Promise<void> {
  const directory =
    options.directory ??
    new UserDirectory({
      provisionCodeTtlSeconds: config.provisionCodeTtlSeconds,
    });

  await app.register(agentRoutes, {
    directory,
    agentSecret: config.agentSecret,
    policies: config.policies,
  });
  ssdRoute(app, config);
  if (config.demo) {
    await app.register(adminRoutes, {
      directory,
      siteId: config.siteId,
      publicUrl: config.publicUrl,
      trustProxy: config.trustProxy,
    });
  }
}

function loggerOptions(
  logger: BuildOptions['logger'],
): false | Record<string, unknown> {
  if (logger === false) return false;
  return {
    level: logger?.level ?? 'info',
    ...(logger?.stream === undefined ? {} : { stream: logger.stream }),
    serializers: { req: serializeRequest },
  };
}

/**
 * Replies 400 to a URL that the router cannot decode. The default reply
 * quotes the URL in the log, and the URL may carry a provision code.
 */
function acceptsHtml(request: FastifyRequest): boolean {
  return (request.headers.accept ?? '').toLowerCase().includes('text/html');
}

function readIndex(staticDir: string): string | null {
  try {
    return readFileSync(join(staticDir, 'index.html'), 'utf8');
  } catch {
    return null;
  }
}

function replyWithFrameworkError(
  error: FastifyError,
  request: FastifyRequest,
  reply: FastifyReply,
  staticDir: string,
): void {
  request.log.info({ code: error.code }, 'request URL rejected');
  // A mistyped Activate URL opens the app, which explains what is wrong
  // with the link, instead of a JSON error page.
  const index =
    request.method === 'GET' && acceptsHtml(request)
      ? readIndex(staticDir)
      : null;
  if (index !== null) {
    void reply
      .code(200)
      .type('text/html; charset=utf-8')
      .header('cache-control', 'no-cache')
      .send(index);
    return;
  }
  void reply.code(400).send({
    error: 'The request URL is not valid: check its percent-encoding.',
  });
}
