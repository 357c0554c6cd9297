import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import {
  buildPingRequest,
  buildResponse,
} from '../../src/protocol/agent-xml.js';
import {
  LogCapture,
  TestServers,
  postAgentXml,
  testConfig,
} from './server-test-helpers.js';

const servers = new TestServers();
const httpsServers: Server[] = [];
const children: ChildProcess[] = [];

afterEach(async () => {
  await servers.cleanUp();
  for (const child of children.splice(0)) await stopChild(child);
  for (const server of httpsServers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

const MAIN_SCRIPT = fileURLToPath(
  new URL('../../build/server/main.js', import.meta.url),
);

/** A self-signed certificate for 127.0.0.1, made with openssl. */
interface TestCertificate {
  readonly folder: string;
  readonly certPath: string;
  readonly key: string;
  readonly cert: string;
}

let certificate: TestCertificate | undefined;

beforeAll(async () => {
  const folder = await mkdtemp(join(tmpdir(), 'swivel-tls-'));
  const certPath = join(folder, 'cert.pem');
  const keyPath = join(folder, 'key.pem');
  const result = spawnSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
      '-keyout',
      keyPath,
      '-out',
      certPath,
    ],
    { stdio: 'ignore' },
  );
  if (result.status === 0) {
    certificate = {
      folder,
      certPath,
      key: await readFile(keyPath, 'utf8'),
      cert: await readFile(certPath, 'utf8'),
    };
  }
});

afterAll(async () => {
  if (certificate !== undefined) {
    await rm(certificate.folder, { recursive: true, force: true });
  }
});

/** Starts an HTTPS Swivel stand-in that replies PASS to every request. */
async function startHttpsUpstream(
  tls: TestCertificate,
  received: string[],
): Promise<string> {
  const server = createServer(
    { key: tls.key, cert: tls.cert },
    (request, response) => {
      received.push(request.url ?? '');
      request.resume();
      request.on('end', () => {
        response.writeHead(200, { 'content-type': 'application/xml' });
        response.end(buildResponse({ result: 'PASS' }));
      });
    },
  );
  httpsServers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return `https://127.0.0.1:${port}`;
}

/**
 * Starts the built server in a child process, because Node reads
 * `NODE_EXTRA_CA_CERTS` only at process start. Resolves with its base URL
 * once it logs that it listens in deployment mode.
 */
function startBuiltServer(env: NodeJS.ProcessEnv): Promise<string> {
  const child = spawn(process.execPath, [MAIN_SCRIPT], {
    env: { PATH: process.env.PATH, HOST: '127.0.0.1', PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  return new Promise((resolve, reject) => {
    let output = '';
    let deployment = false;
    child.stdout?.setEncoding('utf8').on('data', (text: string) => {
      output += text;
      deployment ||= output.includes('deployment mode: forwarding');
      const listening = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(
        output,
      );
      if (listening?.[1] === undefined) return;
      if (deployment) resolve(listening[1]);
      else reject(new Error(`${MAIN_SCRIPT} is not in deployment mode.`));
    });
    child.on('exit', (code) =>
      reject(new Error(`The server exited with ${code}: ${output}`)),
    );
  });
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

describe('deployment mode over TLS', () => {
  it('rejects an untrusted certificate', async (context) => {
    context.skip(certificate === undefined, 'openssl is not installed');
    const tls = certificate as TestCertificate;
    const received: string[] = [];
    const upstreamUrl = await startHttpsUpstream(tls, received);
    const log = new LogCapture();
    const proxyUrl = await servers.start(
      testConfig({
        demo: false,
        agentSecret: null,
        agentSecretSource: 'unset',
        swivelUrl: new URL(upstreamUrl),
      }),
      { logger: { stream: log } },
    );

    const reply = await fetch(`${proxyUrl}/proxy/AgentXML`, {
      method: 'POST',
      body: buildPingRequest(),
    });

    expect(reply.status).toBe(502);
    expect(received).toEqual([]);
    const failure = log.entries.find((entry) => entry.failure !== undefined);
    expect(failure?.failure).toBe('untrusted-certificate');
    expect(failure?.msg).toContain('NODE_EXTRA_CA_CERTS');
  });

  it('trusts a CA from NODE_EXTRA_CA_CERTS', async (context) => {
    context.skip(certificate === undefined, 'openssl is not installed');
    context.skip(
      !existsSync(MAIN_SCRIPT),
      'build/server/main.js is missing: run npm run build first',
    );
    const tls = certificate as TestCertificate;
    const received: string[] = [];
    const upstreamUrl = await startHttpsUpstream(tls, received);
    const proxyUrl = await startBuiltServer({
      SWIVEL_URL: `${upstreamUrl}/proxy`,
      SSD_URL: 'http://127.0.0.1:9',
      NODE_EXTRA_CA_CERTS: tls.certPath,
    });

    const exchange = await postAgentXml(proxyUrl, buildPingRequest());

    expect(exchange.status).toBe(200);
    expect(exchange.response.result).toBe('PASS');
    expect(received).toEqual(['/proxy/AgentXML']);
  });
});
