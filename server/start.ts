import type { FastifyInstance } from 'fastify';

import { buildServer } from './app.js';
import {
  ConfigError,
  DEMO_AGENT_SECRET,
  loadConfig,
  type ServerConfig,
} from './config.js';
import { agentXmlUrl, lookupUrl } from './forward-routes.js';

/**
 * Reads the settings and returns them, or prints the error and exits with
 * status 1 when a setting is invalid.
 */
export function loadConfigOrExit(
  overrides: Partial<ServerConfig> = {},
  args?: readonly string[],
): ServerConfig {
  try {
    return { ...loadConfig(process.env, args), ...overrides };
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`Invalid setting: ${error.message}`);
      process.exit(1);
    }
    throw error;
  }
}

/**
 * Builds the server, starts listening, logs the address and either the
 * forwarding targets or the agent secret warnings, and stops on SIGINT or
 * SIGTERM. Prints the error and exits with status 1 when the server cannot
 * listen.
 */
export async function startServer(
  config: ServerConfig,
): Promise<FastifyInstance> {
  const app = await buildServer(config);
  logMode(app, config);
  try {
    await app.listen({ port: config.port, host: config.host });
  } catch (error) {
    console.error(describeListenError(error, config));
    app.log.fatal({ err: error }, 'server failed to start');
    await app.close();
    process.exit(1);
  }
  stopOnSignals(app);
  return app;
}

/** Logs the mode: where deployment mode forwards to, or the secret status. */
function logMode(app: FastifyInstance, config: ServerConfig): void {
  if (config.swivelUrl === undefined) {
    logSecretStatus(app, config);
    return;
  }
  app.log.info(
    {
      agentXmlUrl: agentXmlUrl(config.swivelUrl).href,
      directoryUrl: lookupUrl(config.ssdUrl, undefined).href,
      timeoutSeconds: config.upstreamTimeoutMs / 1000,
    },
    'deployment mode: forwarding Agent-XML requests and Site ID lookups',
  );
}

function logSecretStatus(app: FastifyInstance, config: ServerConfig): void {
  if (config.agentSecretSource === 'unset') {
    app.log.warn(
      'AGENT_SECRET is not set, so every login request fails with INVALID_SECRET: set AGENT_SECRET to enable login',
    );
  }
  if (config.demo) {
    app.log.warn(
      'demo mode is on: the admin API under /admin creates users and provision codes without authentication',
    );
  }
  if (config.agentSecretSource === 'demo-default') {
    // Printed, not logged: the fixed demo secret is public, and the log
    // never carries a secret.
    console.log(
      `Demo mode: AGENT_SECRET is not set, so login requests must send the secret "${DEMO_AGENT_SECRET}".`,
    );
  }
}

function describeListenError(error: unknown, config: ServerConfig): string {
  const address = `${config.host}:${config.port}`;
  const code =
    error instanceof Error && 'code' in error ? String(error.code) : '';
  if (code === 'EADDRINUSE') {
    return `Port ${config.port} on ${config.host} is already in use: stop the other process or set PORT to a free port.`;
  }
  if (code === 'EACCES') {
    return `Permission denied to listen on ${address}: use a PORT above 1023 or run with the needed privileges.`;
  }
  if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND') {
    return `Cannot listen on ${address}: HOST is not an address of this machine. Use 127.0.0.1, 0.0.0.0 or an address of this machine.`;
  }
  const detail = error instanceof Error ? error.message : String(error);
  return `Failed to listen on ${address}: ${detail}`;
}

/** How long open connections may delay a stop, in milliseconds. */
const STOP_GRACE_MS = 3000;

/**
 * Closes the server on the first SIGINT or SIGTERM, then exits with 0. A
 * browser can hold a connection open indefinitely, so after STOP_GRACE_MS
 * the process exits anyway.
 */
function stopOnSignals(app: FastifyInstance): void {
  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    app.log.info({ signal }, 'stopping the server');
    setTimeout(() => {
      app.log.warn(
        { graceMs: STOP_GRACE_MS },
        'open connections did not close in time; exiting',
      );
      process.exit(0);
    }, STOP_GRACE_MS).unref();
    app.close().then(
      () => {
        app.log.info('server stopped');
        process.exit(0);
      },
      (error: unknown) => {
        app.log.error({ err: error }, 'server failed to close');
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}
