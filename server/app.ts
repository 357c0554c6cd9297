import Fastify, {
  type FastifyError,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
} from 'fastify';

import { adminRoutes } from './admin-routes.js';
import { AGENT_BODY_LIMIT, agentRoutes } from './agent-routes.js';
import type { ServerConfig } from './config.js';
import { serializeRequest } from './log-redaction.js';
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
  /** State to serve. Defaults to an empty directory that uses `Date.now`. */
  readonly directory?: UserDirectory;
}

/**
 * Builds the Swivel-compatible server: Agent-XML, the directory lookup, the
 * web app, and in demo mode the admin API. Call `listen` to start it.
 */
export async function buildServer(
  config: ServerConfig,
  options: BuildOptions = {},
): Promise<FastifyInstance> {
  const app = Fastify({
    logger: loggerOptions(options.logger),
    trustProxy: config.trustProxy,
    bodyLimit: AGENT_BODY_LIMIT,
    frameworkErrors: replyWithFrameworkError,
  });
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
  await staticRoutes(app, config.staticDir);
  return app;
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
function replyWithFrameworkError(
  error: FastifyError,
  request: FastifyRequest,
  reply: FastifyReply,
): void {
  request.log.info({ code: error.code }, 'request URL rejected');
  void reply.code(400).send({
    error: 'The request URL is not valid: check its percent-encoding.',
  });
}
