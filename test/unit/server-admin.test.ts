import { afterEach, describe, expect, it } from 'vitest';

import {
  TestServers,
  callAdmin,
  sendAgentRequest,
  testConfig,
} from './server-test-helpers.js';

const servers = new TestServers();
afterEach(() => servers.cleanUp());

describe('admin POST /admin/users', () => {
  it('creates a user', async () => {
    const baseUrl = await servers.start();
    const reply = await callAdmin(baseUrl, 'POST', '/admin/users', {
      username: 'alice',
      pin: '1234',
    });
    expect(reply.status).toBe(201);
    expect(reply.body).toEqual({ username: 'alice' });
  });

  it('rejects an existing user', async () => {
    const baseUrl = await servers.start();
    const body = { username: 'alice', pin: '1234' };
    await callAdmin(baseUrl, 'POST', '/admin/users', body);
    const reply = await callAdmin(baseUrl, 'POST', '/admin/users', body);
    expect(reply.status).toBe(409);
    expect(reply.body.error).toMatch(/already exists/);
  });

  it.each([
    ['a short PIN', { username: 'alice', pin: '123' }, /PIN/],
    ['a long PIN', { username: 'alice', pin: '12345678901' }, /PIN/],
    ['a PIN with letters', { username: 'alice', pin: '12a4' }, /PIN/],
    ['a numeric PIN', { username: 'alice', pin: 1234 }, /PIN/],
    ['a missing PIN', { username: 'alice' }, /PIN/],
    ['a missing username', { pin: '1234' }, /username is missing/],
    ['a blank username', { username: '  ', pin: '1234' }, /blank/],
    ['a username with a tab', { username: 'a\tb', pin: '1234' }, /control/],
    ['a long username', { username: 'a'.repeat(65), pin: '1234' }, /64/],
    ['an array body', ['alice', '1234'], /JSON object/],
  ])('rejects %s with 400', async (_case, body, message) => {
    const baseUrl = await servers.start();
    const reply = await callAdmin(baseUrl, 'POST', '/admin/users', body);
    expect(reply.status).toBe(400);
    expect(reply.body.error).toMatch(message);
  });

  it('rejects invalid JSON without quoting it', async () => {
    const baseUrl = await servers.start();
    const reply = await fetch(`${baseUrl}/admin/users`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"username":"alice","pin":"9876"',
    });
    const body = (await reply.json()) as { error: string };
    expect(reply.status).toBe(400);
    expect(body.error).toMatch(/not valid JSON/);
    expect(body.error).not.toContain('9876');
  });

  it('rejects an empty body', async () => {
    const baseUrl = await servers.start();
    const reply = await fetch(`${baseUrl}/admin/users`, { method: 'POST' });
    const body = (await reply.json()) as { error: string };
    expect(reply.status).toBe(400);
    expect(body.error).toMatch(/JSON object/);
  });

  it('rejects a non-JSON content type', async () => {
    const baseUrl = await servers.start();
    const reply = await fetch(`${baseUrl}/admin/users`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: 'alice 1234',
    });
    const body = (await reply.json()) as { error: string };
    expect(reply.status).toBe(415);
    expect(body.error).toMatch(/application\/json/);
  });
});

describe('admin POST provision-code', () => {
  it('issues a code and an Activate URL', async () => {
    const baseUrl = await servers.start();
    await callAdmin(baseUrl, 'POST', '/admin/users', {
      username: 'alice',
      pin: '1234',
    });
    const before = Date.now();
    const reply = await callAdmin(
      baseUrl,
      'POST',
      '/admin/users/alice/provision-code',
    );
    expect(reply.status).toBe(201);
    const code = String(reply.body.code);
    expect(code).toMatch(/^\d{10}$/);
    expect(reply.body.activateUrl).toBe(
      `${baseUrl}/smc/complete/DEMO/alice/${code}`,
    );
    const expiresAt = Date.parse(String(reply.body.expiresAt));
    expect(reply.body.expiresAt).toBe(new Date(expiresAt).toISOString());
    expect(expiresAt).toBeGreaterThanOrEqual(before + 600_000);
    expect(expiresAt).toBeLessThanOrEqual(Date.now() + 600_000);
  });

  it('percent-encodes each URL segment', async () => {
    const baseUrl = await servers.start(testConfig({ siteId: 'Site.1' }));
    const username = 'ann marie/ö?#';
    await callAdmin(baseUrl, 'POST', '/admin/users', { username, pin: '1234' });
    const reply = await callAdmin(
      baseUrl,
      'POST',
      `/admin/users/${encodeURIComponent(username)}/provision-code`,
    );
    expect(reply.status).toBe(201);
    expect(reply.body.activateUrl).toBe(
      `${baseUrl}/smc/complete/Site.1/${encodeURIComponent(username)}/${String(reply.body.code)}`,
    );
  });

  it('uses PUBLIC_URL for the Activate URL', async () => {
    const publicUrl = new URL('https://swivel.example.com:8443');
    const baseUrl = await servers.start(testConfig({ publicUrl }));
    await callAdmin(baseUrl, 'POST', '/admin/users', {
      username: 'alice',
      pin: '1234',
    });
    const reply = await callAdmin(
      baseUrl,
      'POST',
      '/admin/users/alice/provision-code',
    );
    expect(String(reply.body.activateUrl)).toMatch(
      /^https:\/\/swivel\.example\.com:8443\/smc\/complete\/DEMO\/alice\/\d{10}$/,
    );
  });

  it('issues a code that provisions', async () => {
    const baseUrl = await servers.start();
    await callAdmin(baseUrl, 'POST', '/admin/users', {
      username: 'alice',
      pin: '1234',
    });
    const reply = await callAdmin(
      baseUrl,
      'POST',
      '/admin/users/alice/provision-code',
    );
    const response = await sendAgentRequest(baseUrl, {
      action: 'provision',
      username: 'alice',
      provisionCode: String(reply.body.code),
    });
    expect(response.result).toBe('PASS');
  });

  it('rejects an unknown user with 404', async () => {
    const baseUrl = await servers.start();
    const reply = await callAdmin(
      baseUrl,
      'POST',
      '/admin/users/nobody/provision-code',
    );
    expect(reply.status).toBe(404);
    expect(reply.body.error).toMatch(/No user named "nobody"/);
  });
});

describe('admin GET /admin/users/:username', () => {
  it('shows a new user', async () => {
    const baseUrl = await servers.start();
    await callAdmin(baseUrl, 'POST', '/admin/users', {
      username: 'alice',
      pin: '1234',
    });
    const reply = await callAdmin(baseUrl, 'GET', '/admin/users/alice');
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual({
      username: 'alice',
      provisioned: false,
      strings: [],
    });
  });

  it('shows the strings after a download', async () => {
    const baseUrl = await servers.start();
    await callAdmin(baseUrl, 'POST', '/admin/users', {
      username: 'alice',
      pin: '1234',
    });
    const issued = await callAdmin(
      baseUrl,
      'POST',
      '/admin/users/alice/provision-code',
    );
    const provisioned = await sendAgentRequest(baseUrl, {
      action: 'provision',
      username: 'alice',
      provisionCode: String(issued.body.code),
    });
    await sendAgentRequest(baseUrl, {
      action: 'SecurityStrings',
      id: provisioned.id ?? '',
    });
    const reply = await callAdmin(baseUrl, 'GET', '/admin/users/alice');
    const strings = reply.body.strings as {
      index: number;
      value: string;
      used: boolean;
    }[];
    expect(reply.body.provisioned).toBe(true);
    expect(strings).toHaveLength(99);
    expect(strings[0]).toEqual({
      index: 1,
      value: expect.stringMatching(/^\d{10}$/),
      used: false,
    });
  });

  it('rejects an unknown user with 404', async () => {
    const baseUrl = await servers.start();
    const reply = await callAdmin(baseUrl, 'GET', '/admin/users/nobody');
    expect(reply.status).toBe(404);
    expect(reply.body.error).toMatch(/POST \/admin\/users/);
  });
});

describe('admin API without demo mode', () => {
  it.each([
    ['POST', '/admin/users'],
    ['POST', '/admin/users/alice/provision-code'],
    ['GET', '/admin/users/alice'],
  ] as const)('%s %s returns 404', async (method, path) => {
    const baseUrl = await servers.start(testConfig({ demo: false }));
    const reply = await fetch(`${baseUrl}${path}`, {
      method,
      headers: { accept: 'text/html', 'content-type': 'application/json' },
      ...(method === 'POST'
        ? { body: JSON.stringify({ username: 'alice', pin: '1234' }) }
        : {}),
    });
    expect(reply.status).toBe(404);
  });
});
