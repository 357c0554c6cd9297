import {
  request as httpRequest,
  type IncomingHttpHeaders,
  type OutgoingHttpHeaders,
} from 'node:http';

import { afterEach, describe, expect, it } from 'vitest';

import {
  buildPingRequest,
  buildResponse,
} from '../../src/protocol/agent-xml.js';
import { extractOtc, formatTypedCode } from '../../src/protocol/otc.js';
import { readSecurityStrings } from '../../src/protocol/security-strings.js';
import {
  buildServerDetails,
  readServerDetails,
  type ServerDetails,
} from '../../src/protocol/ssd.js';
import type { BuildOptions } from '../../server/app.js';
import type { ServerConfig } from '../../server/config.js';
import { MAX_UPSTREAM_REPLY_BYTES } from '../../server/upstream-request.js';
import {
  LogCapture,
  TestServers,
  callAdmin,
  createUserWithCode,
  postAgentXml,
  sendAgentRequest,
  testConfig,
} from './server-test-helpers.js';

const servers = new TestServers();
afterEach(() => servers.cleanUp());

/** A request as a fake upstream server received it. */
interface RecordedRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

/** What a fake upstream server replies. */
interface FakeReply {
  readonly status?: number;
  readonly headers?: OutgoingHttpHeaders;
  readonly body: string;
}

const ACME_DETAILS: ServerDetails = {
  host: 'swivel.acme.example',
  port: 8443,
  tls: true,
  context: 'pinsafe',
  pushSupport: false,
  local: false,
  pin: false,
  oath: false,
};

const PING_REPLY: FakeReply = {
  headers: { 'content-type': 'application/xml; charset=utf-8' },
  body: buildResponse({ result: 'PASS' }),
};

/** Starts a fake upstream that records each request and replies with `reply`. */
function startRecordingServer(
  requests: RecordedRequest[],
  reply: (request: RecordedRequest) => FakeReply,
): Promise<string> {
  return servers.startHttp((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const recorded = {
        method: request.method ?? '',
        url: request.url ?? '',
        headers: request.headers,
        body: Buffer.concat(chunks).toString(),
      };
      requests.push(recorded);
      const { status = 200, headers = {}, body } = reply(recorded);
      response.writeHead(status, headers).end(body);
    });
  });
}

/** Starts a fake Swivel directory with one entry, for Site ID `ACME`. */
function startFakeDirectory(lookups: RecordedRequest[]): Promise<string> {
  return startRecordingServer(lookups, ({ url }) => {
    const siteId = new URL(url, 'http://directory').searchParams.get('id');
    return {
      headers: {
        'content-type': 'text/xml; charset=utf-8',
        'set-cookie': 'directory-session=1',
      },
      body: buildServerDetails(siteId === 'ACME' ? ACME_DETAILS : null),
    };
  });
}

/** Starts the server in deployment mode, forwarding to `swivelUrl`. */
function startDeployment(
  swivelUrl: string,
  overrides: Partial<ServerConfig> = {},
  options: BuildOptions = { logger: false },
): Promise<string> {
  return servers.start(
    testConfig({
      demo: false,
      agentSecret: null,
      agentSecretSource: 'unset',
      swivelUrl: new URL(swivelUrl),
      ...overrides,
    }),
    options,
  );
}

/**
 * Starts a demo-mode server as the upstream Swivel server, a fake directory,
 * and a deployment-mode server that forwards to both.
 */
async function startProxyChain(options?: BuildOptions): Promise<{
  upstreamUrl: string;
  proxyUrl: string;
  lookups: RecordedRequest[];
}> {
  const upstreamUrl = await servers.start(testConfig());
  const lookups: RecordedRequest[] = [];
  const directoryUrl = await startFakeDirectory(lookups);
  const proxyUrl = await startDeployment(
    `${upstreamUrl}/proxy`,
    { ssdUrl: new URL(directoryUrl) },
    options,
  );
  return { upstreamUrl, proxyUrl, lookups };
}

/** Sends a request with node:http, which allows hop-by-hop headers. */
function sendRaw(
  url: string,
  headers: OutgoingHttpHeaders,
  body: string,
): Promise<{ status: number; headers: IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest(url, { method: 'POST', headers }, (reply) => {
      const chunks: Buffer[] = [];
      reply.on('data', (chunk: Buffer) => chunks.push(chunk));
      reply.on('end', () =>
        resolve({
          status: reply.statusCode ?? 0,
          headers: reply.headers,
          body: Buffer.concat(chunks).toString(),
        }),
      );
    });
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}

describe('deployment mode with a Swivel server upstream', () => {
  it('forwards ping', async () => {
    const { proxyUrl } = await startProxyChain();

    const response = await sendAgentRequest(proxyUrl, { action: 'ping' });

    expect(response.result).toBe('PASS');
  });

  it('provisions, downloads and logs in through the proxy', async () => {
    const { upstreamUrl, proxyUrl } = await startProxyChain();
    const pin = '2468';
    const code = await createUserWithCode(upstreamUrl, 'alice', pin);

    const provisioned = await sendAgentRequest(proxyUrl, {
      action: 'provision',
      username: 'alice',
      provisionCode: code,
    });
    const provisionId = provisioned.id ?? '';
    const batch = await sendAgentRequest(proxyUrl, {
      action: 'SecurityStrings',
      id: provisionId,
    });
    const strings = readSecurityStrings(batch.securityStrings ?? '');
    const first = strings[0]?.value ?? '';
    const otc = formatTypedCode(extractOtc(first, pin), 1);
    const login = { action: 'login', secret: 'test-secret', username: 'alice' };
    const loggedIn = await sendAgentRequest(proxyUrl, { ...login, otc });
    const reused = await sendAgentRequest(proxyUrl, { ...login, otc });

    expect(provisioned.result).toBe('PASS');
    expect(provisionId).toMatch(/^[0-9a-f]{32}$/);
    expect(batch.result).toBe('PASS');
    expect(strings).toHaveLength(99);
    const upstreamView = await callAdmin(
      upstreamUrl,
      'GET',
      '/admin/users/alice',
    );
    const upstreamStrings = upstreamView.body.strings as { value: string }[];
    expect(strings.map((entry) => entry.value)).toEqual(
      upstreamStrings.map((entry) => entry.value),
    );
    expect(loggedIn.result).toBe('PASS');
    expect(reused.result).toBe('FAIL');
  });

  it('passes FAIL replies on unchanged', async () => {
    const { upstreamUrl, proxyUrl } = await startProxyChain();
    const body = buildPingRequest().replace('ping', 'provision');

    const direct = await postAgentXml(upstreamUrl, body);
    const forwarded = await postAgentXml(proxyUrl, body);

    expect(forwarded.status).toBe(200);
    expect(forwarded.contentType).toBe(direct.contentType);
    expect(forwarded.text).toBe(direct.text);
    expect(forwarded.response.result).toBe('FAIL');
  });

  it('marks Agent-XML replies as not cacheable', async () => {
    const { proxyUrl } = await startProxyChain();

    const reply = await fetch(`${proxyUrl}/proxy/AgentXML`, {
      method: 'POST',
      headers: { 'content-type': 'application/xml' },
      body: buildPingRequest(),
    });

    expect(reply.headers.get('cache-control')).toBe('no-store');
  });

  it('has no admin API', async () => {
    const { proxyUrl } = await startProxyChain();

    const created = await fetch(`${proxyUrl}/admin/users`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'mallory', pin: '1234' }),
    });
    const userView = await fetch(`${proxyUrl}/admin/users/alice`);

    expect(created.status).toBe(404);
    expect(userView.status).toBe(404);
  });

  it('logs no provision code, provision id or string', async () => {
    const log = new LogCapture();
    const { upstreamUrl, proxyUrl } = await startProxyChain({
      logger: { stream: log },
    });
    const code = await createUserWithCode(upstreamUrl, 'alice', '9081726354');

    const provisioned = await sendAgentRequest(proxyUrl, {
      action: 'provision',
      username: 'alice',
      provisionCode: code,
    });
    const provisionId = provisioned.id ?? '';
    const batch = await sendAgentRequest(proxyUrl, {
      action: 'SecurityStrings',
      id: provisionId,
    });

    const text = log.text;
    expect(provisionId).toMatch(/^[0-9a-f]{32}$/);
    expect(text).toContain('request forwarded');
    expect(text).not.toContain(code);
    expect(text).not.toContain(provisionId);
    for (const entry of readSecurityStrings(batch.securityStrings ?? '')) {
      expect(text).not.toContain(entry.value);
    }
  });
});

describe('deployment mode forwarding', () => {
  it.each(['proxy', 'pinsafe', 'sentry'])(
    'forwards /%s/AgentXML to SWIVEL_URL/AgentXML',
    async (context) => {
      const requests: RecordedRequest[] = [];
      const upstreamUrl = await startRecordingServer(
        requests,
        () => PING_REPLY,
      );
      const proxyUrl = await startDeployment(`${upstreamUrl}/base`);

      const exchange = await postAgentXml(proxyUrl, buildPingRequest(), {
        context,
      });

      expect(exchange.response.result).toBe('PASS');
      expect(requests).toHaveLength(1);
      expect(requests[0]?.method).toBe('POST');
      expect(requests[0]?.url).toBe('/base/AgentXML');
      expect(requests[0]?.body).toBe(buildPingRequest());
    },
  );

  it('forwards no cookie or hop-by-hop header', async () => {
    const requests: RecordedRequest[] = [];
    const upstreamUrl = await startRecordingServer(requests, () => ({
      ...PING_REPLY,
      headers: {
        ...PING_REPLY.headers,
        'set-cookie': 'swivel-session=1',
        'x-upstream-detail': 'internal',
      },
    }));
    const proxyUrl = await startDeployment(upstreamUrl);

    const reply = await sendRaw(
      `${proxyUrl}/proxy/AgentXML`,
      {
        'content-type': 'application/xml; charset=utf-8',
        'user-agent': 'TestBrowser/1.0',
        cookie: 'app-session=1',
        authorization: 'Basic dXNlcjpwYXNz',
        'proxy-authorization': 'Basic dXNlcjpwYXNz',
        connection: 'keep-alive, x-hop',
        'x-hop': 'hop-value',
        te: 'trailers',
        'x-custom': 'custom-value',
      },
      buildPingRequest(),
    );

    const received = requests[0]?.headers ?? {};
    expect(reply.status).toBe(200);
    expect(received['content-type']).toBe('application/xml; charset=utf-8');
    expect(received['user-agent']).toBe('TestBrowser/1.0');
    expect(received['x-forwarded-for']).toBe('127.0.0.1');
    expect(received['x-forwarded-proto']).toBe('http');
    expect(received.cookie).toBeUndefined();
    expect(received.authorization).toBeUndefined();
    expect(received['proxy-authorization']).toBeUndefined();
    expect(received['x-hop']).toBeUndefined();
    expect(received.te).toBeUndefined();
    expect(received['x-custom']).toBeUndefined();
    expect(reply.headers['set-cookie']).toBeUndefined();
    expect(reply.headers['x-upstream-detail']).toBeUndefined();
    expect(reply.headers['content-type']).toBe(
      'application/xml; charset=utf-8',
    );
  });

  it('passes upstream HTTP errors on', async () => {
    const upstreamUrl = await startRecordingServer([], () => ({
      status: 500,
      headers: { 'content-type': 'text/plain' },
      body: 'Swivel failed',
    }));
    const proxyUrl = await startDeployment(upstreamUrl);

    const reply = await fetch(`${proxyUrl}/proxy/AgentXML`, {
      method: 'POST',
      body: buildPingRequest(),
    });

    expect(reply.status).toBe(500);
    expect(await reply.text()).toBe('Swivel failed');
  });

  it('rejects a body over 64 KiB without forwarding it', async () => {
    const requests: RecordedRequest[] = [];
    const upstreamUrl = await startRecordingServer(requests, () => PING_REPLY);
    const proxyUrl = await startDeployment(upstreamUrl);

    const reply = await fetch(`${proxyUrl}/proxy/AgentXML`, {
      method: 'POST',
      headers: { 'content-type': 'application/xml' },
      body: `<SASRequest>${'x'.repeat(64 * 1024)}</SASRequest>`,
    });

    expect(reply.status).toBe(413);
    expect(await reply.text()).toContain('64 KiB');
    expect(requests).toHaveLength(0);
  });

  it('accepts a body of exactly 64 KiB', async () => {
    const requests: RecordedRequest[] = [];
    const upstreamUrl = await startRecordingServer(requests, () => PING_REPLY);
    const proxyUrl = await startDeployment(upstreamUrl);
    const body = 'x'.repeat(64 * 1024);

    const reply = await fetch(`${proxyUrl}/proxy/AgentXML`, {
      method: 'POST',
      headers: { 'content-type': 'application/xml' },
      body,
    });

    expect(reply.status).toBe(200);
    expect(requests[0]?.body).toBe(body);
  });

  it('does not forward other paths', async () => {
    const requests: RecordedRequest[] = [];
    const upstreamUrl = await startRecordingServer(requests, () => PING_REPLY);
    const proxyUrl = await startDeployment(upstreamUrl);

    const custom = await fetch(`${proxyUrl}/custom/AgentXML`, {
      method: 'POST',
      body: buildPingRequest(),
    });
    const get = await fetch(`${proxyUrl}/proxy/AgentXML`);
    const other = await fetch(`${proxyUrl}/ssdserver/other`);

    expect(custom.status).toBe(404);
    expect(get.status).toBe(404);
    expect(other.status).toBe(404);
    expect(requests).toHaveLength(0);
  });
});

describe('deployment mode Site ID lookup', () => {
  it('forwards the lookup to SSD_URL', async () => {
    const { proxyUrl, lookups } = await startProxyChain();

    const reply = await fetch(
      `${proxyUrl}/ssdserver/getServerDetails?id=ACME`,
      { headers: { cookie: 'app-session=1', 'user-agent': 'TestBrowser/1.0' } },
    );

    expect(reply.status).toBe(200);
    expect(reply.headers.get('content-type')).toBe('text/xml; charset=utf-8');
    expect(reply.headers.get('cache-control')).toBe('no-cache');
    expect(reply.headers.get('set-cookie')).toBeNull();
    expect(readServerDetails(await reply.text())).toEqual(ACME_DETAILS);
    expect(lookups).toHaveLength(1);
    expect(lookups[0]?.method).toBe('GET');
    expect(lookups[0]?.url).toBe('/ssdserver/getServerDetails?id=ACME');
  });

  it('sends the directory no user details', async () => {
    const { proxyUrl, lookups } = await startProxyChain();

    await fetch(`${proxyUrl}/ssdserver/getServerDetails?id=ACME`, {
      headers: { cookie: 'app-session=1', 'user-agent': 'TestBrowser/1.0' },
    });

    const received = lookups[0]?.headers ?? {};
    expect(received.cookie).toBeUndefined();
    expect(received['user-agent']).not.toBe('TestBrowser/1.0');
    expect(received['x-forwarded-for']).toBeUndefined();
  });

  it('forwards an unknown Site ID to the directory', async () => {
    const { proxyUrl, lookups } = await startProxyChain();

    const reply = await fetch(`${proxyUrl}/ssdserver/getServerDetails?id=DEMO`);

    expect(await reply.text()).toContain('<responseCode>1</responseCode>');
    expect(lookups[0]?.url).toBe('/ssdserver/getServerDetails?id=DEMO');
  });

  it('forwards only the id parameter', async () => {
    const { proxyUrl, lookups } = await startProxyChain();

    await fetch(`${proxyUrl}/ssdserver/getServerDetails?id=ACME%20CO&extra=1`);

    expect(lookups[0]?.url).toBe('/ssdserver/getServerDetails?id=ACME+CO');
  });

  it('keeps the path of SSD_URL', async () => {
    const lookups: RecordedRequest[] = [];
    const directoryUrl = await startFakeDirectory(lookups);
    const proxyUrl = await startDeployment('http://127.0.0.1:9/proxy', {
      ssdUrl: new URL(`${directoryUrl}/directory`),
    });

    await fetch(`${proxyUrl}/ssdserver/getServerDetails?id=ACME`);

    expect(lookups[0]?.url).toBe(
      '/directory/ssdserver/getServerDetails?id=ACME',
    );
  });
});

describe('deployment mode upstream failures', () => {
  it('replies 502 when the Swivel server is down', async () => {
    const proxyUrl = await startDeployment(await servers.closedPortUrl());

    const reply = await fetch(`${proxyUrl}/proxy/AgentXML`, {
      method: 'POST',
      body: buildPingRequest(),
    });

    expect(reply.status).toBe(502);
    expect(reply.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(await reply.text()).toContain('The Swivel server could not be');
  });

  it('replies 502 when the directory is down', async () => {
    const closedUrl = await servers.closedPortUrl();
    const proxyUrl = await startDeployment(closedUrl, {
      ssdUrl: new URL(closedUrl),
    });

    const reply = await fetch(`${proxyUrl}/ssdserver/getServerDetails?id=X`);

    expect(reply.status).toBe(502);
    expect(await reply.text()).toContain('The Swivel directory could not be');
  });

  it('replies 504 when the Swivel server is slow', async () => {
    // The handler never replies, so only the timeout ends the exchange.
    const upstreamUrl = await servers.startHttp(() => undefined);
    const proxyUrl = await startDeployment(upstreamUrl, {
      upstreamTimeoutMs: 200,
    });
    const started = Date.now();

    const reply = await fetch(`${proxyUrl}/proxy/AgentXML`, {
      method: 'POST',
      body: buildPingRequest(),
    });

    expect(reply.status).toBe(504);
    expect(await reply.text()).toContain('did not reply in time');
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('replies 504 when the reply body stalls', async () => {
    const upstreamUrl = await servers.startHttp((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/xml' });
      response.write('<SASResponse>');
    });
    const proxyUrl = await startDeployment(upstreamUrl, {
      upstreamTimeoutMs: 200,
    });

    const reply = await fetch(`${proxyUrl}/proxy/AgentXML`, {
      method: 'POST',
      body: buildPingRequest(),
    });

    expect(reply.status).toBe(504);
  });

  it('replies 504 when the directory is slow', async () => {
    const directoryUrl = await servers.startHttp(() => undefined);
    const proxyUrl = await startDeployment('http://127.0.0.1:9/proxy', {
      ssdUrl: new URL(directoryUrl),
      upstreamTimeoutMs: 200,
    });

    const reply = await fetch(`${proxyUrl}/ssdserver/getServerDetails?id=X`);

    expect(reply.status).toBe(504);
  });

  it('replies 502 to a redirect', async () => {
    const upstreamUrl = await startRecordingServer([], () => ({
      status: 301,
      headers: { location: 'https://swivel.example.com/proxy/AgentXML' },
      body: '',
    }));
    const log = new LogCapture();
    const proxyUrl = await startDeployment(
      upstreamUrl,
      {},
      { logger: { stream: log } },
    );

    const reply = await fetch(`${proxyUrl}/proxy/AgentXML`, {
      method: 'POST',
      body: buildPingRequest(),
    });

    expect(reply.status).toBe(502);
    expect(reply.headers.get('location')).toBeNull();
    const failure = log.entries.find((entry) => entry.failure === 'redirect');
    expect(failure?.msg).toContain('https://swivel.example.com/proxy/AgentXML');
    expect(failure?.msg).toContain('Set SWIVEL_URL');
  });

  it('replies 502 to an oversize reply', async () => {
    const upstreamUrl = await servers.startHttp((_request, response) => {
      // Chunked, with no Content-Length, so the size shows only while reading.
      response.writeHead(200, { 'content-type': 'application/xml' });
      response.write('x'.repeat(MAX_UPSTREAM_REPLY_BYTES));
      response.end('x');
    });
    const proxyUrl = await startDeployment(upstreamUrl);

    const reply = await fetch(`${proxyUrl}/proxy/AgentXML`, {
      method: 'POST',
      body: buildPingRequest(),
    });

    expect(reply.status).toBe(502);
  });

  it('logs the failure with what to check', async () => {
    const log = new LogCapture();
    const closedUrl = await servers.closedPortUrl();
    const proxyUrl = await startDeployment(
      closedUrl,
      {},
      { logger: { stream: log } },
    );

    await fetch(`${proxyUrl}/proxy/AgentXML`, {
      method: 'POST',
      body: buildPingRequest(),
    });

    const failure = log.entries.find((entry) => entry.failure !== undefined);
    expect(failure).toMatchObject({
      level: 40,
      upstream: 'swivel',
      target: `${closedUrl}/AgentXML`,
      failure: 'unreachable',
    });
    expect(failure?.msg).toContain('ECONNREFUSED');
    expect(failure?.msg).toContain('Check SWIVEL_URL');
  });
});
