import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import {
  createServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { FastifyInstance } from 'fastify';

import {
  buildRequest,
  readResponse,
  type AgentRequest,
  type AgentResponse,
} from '../../src/protocol/agent-xml.js';
import { buildServer, type BuildOptions } from '../../server/app.js';
import type { ServerConfig } from '../../server/config.js';

/**
 * A directory URL that fetch always rejects, because port 9 is on its list
 * of blocked ports. A test that leaves `ssdUrl` unset fails instead of
 * reaching Swivel's real directory.
 */
const NO_DIRECTORY_URL = new URL('http://127.0.0.1:9/');

/** Settings for tests: demo mode, a known secret and no web app. */
export function testConfig(
  overrides: Partial<ServerConfig> = {},
): ServerConfig {
  return {
    port: 0,
    host: '127.0.0.1',
    siteId: 'DEMO',
    agentSecret: 'test-secret',
    agentSecretSource: 'environment',
    demo: true,
    publicUrl: undefined,
    trustProxy: false,
    context: 'proxy',
    provisionCodeTtlSeconds: 600,
    policies: new Set(),
    staticDir: join(tmpdir(), 'swivel-no-such-folder'),
    swivelUrl: undefined,
    ssdUrl: NO_DIRECTORY_URL,
    upstreamTimeoutMs: 15_000,
    ...overrides,
  };
}

/** Handles one request of a plain HTTP server that a test starts. */
export type HttpHandler = (
  request: IncomingMessage,
  response: ServerResponse,
) => void;

/** A started server and the servers and folders to clean up after a test. */
export class TestServers {
  private readonly servers: FastifyInstance[] = [];
  private readonly httpServers: Server[] = [];
  private readonly folders: string[] = [];

  /** Starts a server on a free loopback port and returns its base URL. */
  async start(
    config: ServerConfig = testConfig(),
    options: BuildOptions = { logger: false },
  ): Promise<string> {
    const app = await buildServer(config, options);
    this.servers.push(app);
    return app.listen({ port: 0, host: '127.0.0.1' });
  }

  /**
   * Starts a plain HTTP server on a free loopback port and returns its base
   * URL. Cleanup also drops connections that the handler left open.
   */
  async startHttp(handler: HttpHandler): Promise<string> {
    const server = createServer(handler);
    this.httpServers.push(server);
    await new Promise<void>((resolve) =>
      server.listen(0, '127.0.0.1', resolve),
    );
    const { port } = server.address() as AddressInfo;
    return `http://127.0.0.1:${port}`;
  }

  /** Returns the base URL of a loopback port where nothing listens. */
  async closedPortUrl(): Promise<string> {
    const server = createServer();
    await new Promise<void>((resolve) =>
      server.listen(0, '127.0.0.1', resolve),
    );
    const { port } = server.address() as AddressInfo;
    await new Promise((resolve) => server.close(resolve));
    return `http://127.0.0.1:${port}`;
  }

  /** Creates a static folder with an app shell, a service worker and an asset. */
  async makeStaticDir(): Promise<string> {
    const folder = await mkdtemp(join(tmpdir(), 'swivel-static-'));
    this.folders.push(folder);
    await writeFile(join(folder, 'index.html'), APP_SHELL);
    await writeFile(join(folder, 'sw.js'), 'self.skipWaiting();\n');
    await writeFile(join(folder, 'robots.txt'), ROBOTS_TXT);
    await writeFile(join(folder, 'icon.svg'), '<svg></svg>\n');
    await mkdir(join(folder, 'assets'));
    await writeFile(join(folder, 'assets', 'index-a1b2c3.js'), 'export {};\n');
    return folder;
  }

  /** Closes every server and removes every folder. */
  async cleanUp(): Promise<void> {
    await Promise.all(this.servers.splice(0).map((app) => app.close()));
    await Promise.all(this.httpServers.splice(0).map(closeHttpServer));
    await Promise.all(
      this.folders
        .splice(0)
        .map((folder) => rm(folder, { recursive: true, force: true })),
    );
  }
}

async function closeHttpServer(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
}

/** The body of the test app shell, to recognise it in replies. */
export const APP_SHELL =
  '<!doctype html><html><body><swivel-app></swivel-app></body></html>\n';

/** The body of the test static folder's robots.txt. */
export const ROBOTS_TXT = 'User-agent: *\nDisallow: /smc/\n';

/** Collects every log line that a server writes. */
export class LogCapture {
  readonly lines: string[] = [];

  write(line: string): void {
    this.lines.push(line);
  }

  get text(): string {
    return this.lines.join('');
  }

  /** Returns every line parsed as a JSON object. */
  get entries(): Record<string, unknown>[] {
    return this.lines.map(
      (line) => JSON.parse(line) as Record<string, unknown>,
    );
  }
}

/** An Agent-XML exchange: the HTTP reply and the parsed `SASResponse`. */
export interface AgentExchange {
  readonly status: number;
  readonly contentType: string | null;
  readonly text: string;
  readonly response: AgentResponse;
}

/** Posts a raw body to `/{context}/AgentXML` and reads the reply. */
export async function postAgentXml(
  baseUrl: string,
  body: string,
  options: { context?: string; contentType?: string | null } = {},
): Promise<AgentExchange> {
  const contentType =
    options.contentType === undefined
      ? 'application/xml; charset=utf-8'
      : options.contentType;
  const headers: Record<string, string> =
    contentType === null ? {} : { 'content-type': contentType };
  // fetch adds text/plain to a string body, but not to a byte array.
  const payload = contentType === null ? new TextEncoder().encode(body) : body;
  const reply = await fetch(
    `${baseUrl}/${options.context ?? 'proxy'}/AgentXML`,
    { method: 'POST', headers, body: payload },
  );
  const text = await reply.text();
  return {
    status: reply.status,
    contentType: reply.headers.get('content-type'),
    text,
    response: readResponse(text),
  };
}

/** Builds a request with `Version` 3.6 and posts it. */
export async function sendAgentRequest(
  baseUrl: string,
  request: Omit<AgentRequest, 'version'>,
): Promise<AgentResponse> {
  const body = buildRequest({ version: '3.6', ...request });
  return (await postAgentXml(baseUrl, body)).response;
}

/** Sends JSON to the admin API and returns the status and parsed body. */
export async function callAdmin(
  baseUrl: string,
  method: 'GET' | 'POST',
  path: string,
  body?: unknown,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const reply = await fetch(`${baseUrl}${path}`, {
    method,
    ...(body === undefined
      ? {}
      : {
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body),
        }),
  });
  return {
    status: reply.status,
    body: (await reply.json()) as Record<string, unknown>,
  };
}

/** Creates a user and returns a fresh provision code for it. */
export async function createUserWithCode(
  baseUrl: string,
  username: string,
  pin: string,
): Promise<string> {
  await callAdmin(baseUrl, 'POST', '/admin/users', { username, pin });
  const issued = await callAdmin(
    baseUrl,
    'POST',
    `/admin/users/${encodeURIComponent(username)}/provision-code`,
  );
  return String(issued.body.code);
}

/** Creates a user, provisions it and downloads its first batch. */
export async function provisionUser(
  baseUrl: string,
  username: string,
  pin: string,
): Promise<{ provisionId: string; batch: AgentResponse }> {
  const code = await createUserWithCode(baseUrl, username, pin);
  const provisioned = await sendAgentRequest(baseUrl, {
    action: 'provision',
    username,
    provisionCode: code,
  });
  const provisionId = provisioned.id ?? '';
  const batch = await sendAgentRequest(baseUrl, {
    action: 'SecurityStrings',
    id: provisionId,
  });
  return { provisionId, batch };
}
