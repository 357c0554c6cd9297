import { afterEach, describe, expect, it } from 'vitest';

import { readServerDetails } from '../../src/protocol/ssd.js';
import { ProtocolError } from '../../src/protocol/protocol-error.js';
import {
  APP_SHELL,
  ROBOTS_TXT,
  TestServers,
  testConfig,
} from './server-test-helpers.js';

const servers = new TestServers();
afterEach(() => servers.cleanUp());

async function startWithApp(): Promise<string> {
  const staticDir = await servers.makeStaticDir();
  return servers.start(testConfig({ staticDir }));
}

describe('SSD getServerDetails', () => {
  it('describes this server for the Site ID', async () => {
    const baseUrl = await servers.start();
    const reply = await fetch(`${baseUrl}/ssdserver/getServerDetails?id=DEMO`);
    expect(reply.status).toBe(200);
    expect(reply.headers.get('content-type')).toBe(
      'application/xml; charset=utf-8',
    );
    const details = readServerDetails(await reply.text());
    const { port } = new URL(baseUrl);
    expect(details).toEqual({
      host: '127.0.0.1',
      port: Number(port),
      tls: false,
      context: 'proxy',
      pushSupport: false,
      local: false,
      pin: false,
      oath: false,
    });
  });

  it('matches the Site ID without regard to case', async () => {
    const baseUrl = await servers.start();
    const reply = await fetch(`${baseUrl}/ssdserver/getServerDetails?id=demo`);
    expect(readServerDetails(await reply.text()).host).toBe('127.0.0.1');
  });

  it('uses PUBLIC_URL and CONTEXT', async () => {
    const baseUrl = await servers.start(
      testConfig({
        publicUrl: new URL('https://swivel.example.com'),
        context: 'sentry',
      }),
    );
    const reply = await fetch(`${baseUrl}/ssdserver/getServerDetails?id=DEMO`);
    const details = readServerDetails(await reply.text());
    expect(details.host).toBe('swivel.example.com');
    expect(details.port).toBe(443);
    expect(details.tls).toBe(true);
    expect(details.context).toBe('sentry');
  });

  it('ignores X-Forwarded headers by default', async () => {
    const baseUrl = await servers.start();
    const reply = await fetch(`${baseUrl}/ssdserver/getServerDetails?id=DEMO`, {
      headers: {
        'x-forwarded-host': 'swivel.example.com',
        'x-forwarded-proto': 'https',
      },
    });
    const details = readServerDetails(await reply.text());
    expect(details.host).toBe('127.0.0.1');
    expect(details.tls).toBe(false);
  });

  it('honours X-Forwarded headers with TRUST_PROXY', async () => {
    const baseUrl = await servers.start(testConfig({ trustProxy: true }));
    const reply = await fetch(`${baseUrl}/ssdserver/getServerDetails?id=DEMO`, {
      headers: {
        'x-forwarded-host': 'swivel.example.com',
        'x-forwarded-proto': 'https',
        'x-forwarded-port': '8443',
      },
    });
    const details = readServerDetails(await reply.text());
    expect(details.host).toBe('swivel.example.com');
    expect(details.tls).toBe(true);
    expect(details.port).toBe(8443);
  });

  it.each([
    ['an unknown Site ID', '?id=OTHER'],
    ['no Site ID', ''],
    ['an empty Site ID', '?id='],
  ])('answers responseCode 1 for %s', async (_case, query) => {
    const baseUrl = await servers.start();
    const reply = await fetch(`${baseUrl}/ssdserver/getServerDetails${query}`);
    const text = await reply.text();
    expect(reply.status).toBe(200);
    expect(text).toContain('<responseCode>1</responseCode>');
    expect(() => readServerDetails(text)).toThrow(ProtocolError);
  });
});

describe('static web app', () => {
  it('serves index.html without caching', async () => {
    const baseUrl = await startWithApp();
    const reply = await fetch(`${baseUrl}/`);
    expect(reply.status).toBe(200);
    expect(reply.headers.get('cache-control')).toBe('no-cache');
    expect(await reply.text()).toBe(APP_SHELL);
  });

  it('serves sw.js without caching', async () => {
    const baseUrl = await startWithApp();
    const reply = await fetch(`${baseUrl}/sw.js`);
    expect(reply.status).toBe(200);
    expect(reply.headers.get('cache-control')).toBe('no-cache');
  });

  it('serves hashed assets as immutable', async () => {
    const baseUrl = await startWithApp();
    const reply = await fetch(`${baseUrl}/assets/index-a1b2c3.js`);
    expect(reply.status).toBe(200);
    expect(reply.headers.get('cache-control')).toBe(
      'public, max-age=31536000, immutable',
    );
  });

  it.each([
    '/',
    '/activate',
    '/activate?code=0123456789',
    '/setup',
    '/smc/complete/DEMO/alice/0123456789',
    '/smc/complete/DEMO/ann%20marie/0123456789',
    '/smc/getsettings/DEMO',
    '/smc/provision/0123456789',
  ])('serves the app for %s', async (path) => {
    const baseUrl = await startWithApp();
    const reply = await fetch(`${baseUrl}${path}`);
    expect(reply.status).toBe(200);
    expect(reply.headers.get('cache-control')).toBe('no-cache');
    expect(await reply.text()).toBe(APP_SHELL);
  });

  it('answers HEAD for an app path', async () => {
    const baseUrl = await startWithApp();
    const reply = await fetch(`${baseUrl}/smc/provision/0123456789`, {
      method: 'HEAD',
    });
    expect(reply.status).toBe(200);
    expect(reply.headers.get('content-type')).toMatch(/^text\/html/);
  });

  it('serves the app for an HTML navigation', async () => {
    const baseUrl = await startWithApp();
    const reply = await fetch(`${baseUrl}/settings/about`, {
      headers: { accept: 'text/html,application/xhtml+xml' },
    });
    expect(reply.status).toBe(200);
    expect(await reply.text()).toBe(APP_SHELL);
  });

  it('serves robots.txt as text', async () => {
    const baseUrl = await startWithApp();
    const reply = await fetch(`${baseUrl}/robots.txt`, {
      headers: { accept: 'text/html,*/*' },
    });
    expect(reply.status).toBe(200);
    expect(reply.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(await reply.text()).toBe(ROBOTS_TXT);
  });

  it('returns 404 for an unknown file', async () => {
    const baseUrl = await startWithApp();
    const reply = await fetch(`${baseUrl}/missing.js`);
    expect(reply.status).toBe(404);
  });

  it.each([
    '/admin/users/alice',
    '/ssdserver/other',
    '/proxy/AgentXML',
    '/custom/AgentXML',
  ])('returns 404 for the API path %s', async (path) => {
    const staticDir = await servers.makeStaticDir();
    const baseUrl = await servers.start(testConfig({ staticDir, demo: false }));
    const reply = await fetch(`${baseUrl}${path}`, {
      headers: { accept: 'text/html' },
    });
    expect(reply.status).toBe(404);
  });

  it('returns 404 for a POST to an app path', async () => {
    const baseUrl = await startWithApp();
    const reply = await fetch(`${baseUrl}/activate`, { method: 'POST' });
    expect(reply.status).toBe(404);
  });

  it('answers 503 before the app is built', async () => {
    const baseUrl = await servers.start();
    const reply = await fetch(`${baseUrl}/smc/complete/DEMO/alice/0123456789`);
    expect(reply.status).toBe(503);
    expect(reply.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await reply.text()).toContain('npm run build');
  });

  it('keeps the APIs before the app is built', async () => {
    const baseUrl = await servers.start();
    const reply = await fetch(`${baseUrl}/ssdserver/getServerDetails?id=DEMO`);
    expect(reply.status).toBe(200);
    const missing = await fetch(`${baseUrl}/missing.js`);
    expect(missing.status).toBe(404);
  });
});
