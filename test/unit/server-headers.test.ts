import { readFile } from 'node:fs/promises';

import { afterEach, describe, expect, it } from 'vitest';

import type { ServerConfig } from '../../server/config.js';
import {
  HSTS_HEADER,
  SECURITY_HEADERS,
} from '../../server/security-headers.js';
import { TestServers, testConfig } from './server-test-helpers.js';

const servers = new TestServers();
afterEach(() => servers.cleanUp());

const MODES: readonly [string, Partial<ServerConfig>][] = [
  ['demo mode', { demo: true }],
  ['built-in server mode', { demo: false }],
  [
    'deployment mode',
    {
      demo: false,
      agentSecret: null,
      agentSecretSource: 'unset',
      // Port 9 is blocked by fetch, so nothing is ever contacted.
      swivelUrl: new URL('http://127.0.0.1:9/proxy'),
    },
  ],
];

const PATHS = [
  '/',
  '/activate',
  '/setup',
  '/smc/complete/DEMO/alice/0123456789',
  '/assets/index-a1b2c3.js',
  '/sw.js',
  '/robots.txt',
  '/missing.js',
  '/smc/complete/DEMO/alice/0123456789%',
  '/ssdserver/getServerDetails?id=DEMO',
];

async function startWithApp(
  overrides: Partial<ServerConfig> = {},
): Promise<string> {
  const staticDir = await servers.makeStaticDir();
  return servers.start(testConfig({ staticDir, ...overrides }));
}

/** Splits a Content-Security-Policy into its directives by name. */
function parsePolicy(policy: string): Map<string, string[]> {
  const directives = new Map<string, string[]>();
  for (const directive of policy.split(';')) {
    const [name, ...sources] = directive.trim().split(/\s+/);
    if (name !== undefined && name !== '') directives.set(name, sources);
  }
  return directives;
}

describe.each(MODES)('security headers in %s', (_mode, overrides) => {
  it.each(PATHS)('are sent on %s', async (path) => {
    const baseUrl = await startWithApp(overrides);

    const reply = await fetch(`${baseUrl}${path}`);

    for (const [name, value] of Object.entries(SECURITY_HEADERS)) {
      expect(reply.headers.get(name), name).toBe(value);
    }
    expect(reply.headers.get(HSTS_HEADER.name)).toBeNull();
  });

  it('are sent on a POST to Agent-XML', async () => {
    const baseUrl = await startWithApp(overrides);

    const reply = await fetch(`${baseUrl}/proxy/AgentXML`, {
      method: 'POST',
      body: '<SASRequest/>',
    });

    expect(reply.headers.get('content-security-policy')).toBe(
      SECURITY_HEADERS['Content-Security-Policy'],
    );
  });
});

describe('Strict-Transport-Security', () => {
  it('is sent over HTTPS behind a trusted proxy', async () => {
    const baseUrl = await startWithApp({ trustProxy: true });

    const reply = await fetch(`${baseUrl}/`, {
      headers: { 'x-forwarded-proto': 'https' },
    });

    expect(reply.headers.get(HSTS_HEADER.name)).toBe(HSTS_HEADER.value);
  });

  it('ignores X-Forwarded-Proto without TRUST_PROXY', async () => {
    const baseUrl = await startWithApp({ trustProxy: false });

    const reply = await fetch(`${baseUrl}/`, {
      headers: { 'x-forwarded-proto': 'https' },
    });

    expect(reply.headers.get(HSTS_HEADER.name)).toBeNull();
  });

  it('is sent when PUBLIC_URL is https', async () => {
    const baseUrl = await startWithApp({
      publicUrl: new URL('https://codes.example.com'),
    });

    const reply = await fetch(`${baseUrl}/activate`);

    expect(reply.headers.get(HSTS_HEADER.name)).toBe(HSTS_HEADER.value);
  });

  it('is not sent when PUBLIC_URL is http', async () => {
    const baseUrl = await startWithApp({
      publicUrl: new URL('http://codes.example.com'),
      trustProxy: true,
    });

    const reply = await fetch(`${baseUrl}/`, {
      headers: { 'x-forwarded-proto': 'https' },
    });

    expect(reply.headers.get(HSTS_HEADER.name)).toBeNull();
  });

  it('is sent on a rejected URL over HTTPS', async () => {
    const baseUrl = await startWithApp({
      publicUrl: new URL('https://codes.example.com'),
    });

    const reply = await fetch(`${baseUrl}/smc/complete/DEMO/alice/0123%`);

    expect(reply.status).toBe(400);
    expect(reply.headers.get(HSTS_HEADER.name)).toBe(HSTS_HEADER.value);
  });

  it('is not sent over HTTP behind a trusted proxy', async () => {
    const baseUrl = await startWithApp({ trustProxy: true });

    const reply = await fetch(`${baseUrl}/`, {
      headers: { 'x-forwarded-proto': 'http' },
    });

    expect(reply.headers.get(HSTS_HEADER.name)).toBeNull();
  });
});

describe('SECURITY_HEADERS', () => {
  const policy = parsePolicy(SECURITY_HEADERS['Content-Security-Policy'] ?? '');

  it('allows no inline script or eval', () => {
    const scripts = policy.get('script-src') ?? [];
    expect(scripts).toEqual(["'self'", "'wasm-unsafe-eval'"]);
    expect(policy.get('default-src')).toEqual(["'none'"]);
  });

  it('allows no inline style', () => {
    expect(policy.get('style-src')).toEqual(["'self'"]);
  });

  it('forbids framing', () => {
    expect(policy.get('frame-ancestors')).toEqual(["'none'"]);
  });

  it('allows requests to the own origin only', () => {
    expect(policy.get('connect-src')).toEqual(["'self'"]);
  });

  it('allows the camera for the app only', () => {
    const features = (SECURITY_HEADERS['Permissions-Policy'] ?? '').split(', ');
    expect(features).toContain('camera=(self)');
    expect(features).toContain('microphone=()');
    expect(features).toContain('geolocation=()');
  });

  it('sends no referrer', () => {
    expect(SECURITY_HEADERS['Referrer-Policy']).toBe('no-referrer');
  });
});

describe('README nginx configuration', () => {
  it('repeats every security header', async () => {
    const readme = await readFile(
      new URL('../../README.md', import.meta.url),
      'utf8',
    );
    const headers = [
      ...Object.entries(SECURITY_HEADERS),
      [HSTS_HEADER.name, HSTS_HEADER.value],
    ];

    for (const [name, value] of headers) {
      expect(readme).toContain(`add_header ${name} "${value}" always;`);
    }
  });
});
