import { afterEach, describe, expect, it } from 'vitest';

import { extractOtc, formatTypedCode } from '../../src/protocol/otc.js';
import { readSecurityStrings } from '../../src/protocol/security-strings.js';
import { redactUrl } from '../../server/log-redaction.js';
import {
  LogCapture,
  TestServers,
  callAdmin,
  postAgentXml,
  sendAgentRequest,
  testConfig,
} from './server-test-helpers.js';

const servers = new TestServers();
afterEach(() => servers.cleanUp());

describe('redactUrl', () => {
  it.each([
    ['/smc/complete/DEMO/alice/0123456789', '/smc/complete/[redacted]'],
    ['/smc/provision/0123456789', '/smc/provision/[redacted]'],
    ['/SMC/Provision/0123456789', '/SMC/Provision/[redacted]'],
    ['//smc/provision/0123456789', '/smc/provision/[redacted]'],
    ['/smc//complete/DEMO/u/0123456789', '/smc/complete/[redacted]'],
    ['/smc/complete//DEMO/u/0123456789', '/smc/complete/[redacted]'],
    ['/smc/getsettings/DEMO', '/smc/getsettings/DEMO'],
    ['/smc/provision/', '/smc/provision/'],
    [
      '/ssdserver/getServerDetails?id=DEMO',
      '/ssdserver/getServerDetails?id=DEMO',
    ],
    [
      '/activate?siteId=DEMO&username=alice&code=0123456789',
      '/activate?siteId=DEMO&username=alice&code=[redacted]',
    ],
    [
      '/activate?ProvisionCode=0123456789',
      '/activate?ProvisionCode=[redacted]',
    ],
    ['/activate?d2ViK3N3aXZlbA', '/activate?[redacted]'],
  ])('writes %s as %s', (url, expected) => {
    expect(redactUrl(url)).toBe(expected);
  });
});

describe('server log', () => {
  it('logs requests without secrets', async () => {
    const log = new LogCapture();
    const staticDir = await servers.makeStaticDir();
    const baseUrl = await servers.start(
      testConfig({ staticDir, agentSecret: 'agent-secret-7731' }),
      { logger: { stream: log } },
    );
    // Ten digits, so that the PIN and one-time code cannot appear by chance
    // inside a timestamp or port number.
    const pin = '9081726354';
    await callAdmin(baseUrl, 'POST', '/admin/users', {
      username: 'alice',
      pin,
    });
    const issued = await callAdmin(
      baseUrl,
      'POST',
      '/admin/users/alice/provision-code',
    );
    const code = String(issued.body.code);
    await fetch(`${baseUrl}/smc/complete/DEMO/alice/${code}`);
    await fetch(`${baseUrl}/smc/provision/${code}`);
    await fetch(`${baseUrl}/activate?code=${code}`);
    await fetch(`${baseUrl}/smc/complete/DEMO/alice/${code}%`);

    const provisioned = await sendAgentRequest(baseUrl, {
      action: 'provision',
      username: 'alice',
      provisionCode: code,
    });
    const provisionId = provisioned.id ?? '';
    const batch = await sendAgentRequest(baseUrl, {
      action: 'SecurityStrings',
      id: provisionId,
    });
    const strings = readSecurityStrings(batch.securityStrings ?? '');
    const first = strings[0]?.value ?? '';
    const otc = formatTypedCode(extractOtc(first, pin), 1);
    await sendAgentRequest(baseUrl, {
      action: 'login',
      secret: 'agent-secret-7731',
      username: 'alice',
      otc,
    });
    await sendAgentRequest(baseUrl, {
      action: 'login',
      secret: 'wrong-secret-5309',
      username: 'alice',
      otc,
    });
    await postAgentXml(baseUrl, `<SASRequest><Version>${pin}`);
    await fetch(`${baseUrl}/admin/users`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: `{"username":"bob","pin":"${pin}"`,
    });

    const text = log.text;
    expect(provisionId).toMatch(/^[0-9a-f]{32}$/);
    expect(log.lines.length).toBeGreaterThan(20);
    expect(text).toContain('incoming request');
    expect(text).toContain('/smc/complete/[redacted]');
    expect(text).not.toContain(pin);
    expect(text).not.toContain(code);
    expect(text).not.toContain(provisionId);
    expect(text).not.toContain(otc);
    expect(text).not.toContain('agent-secret-7731');
    expect(text).not.toContain('wrong-secret-5309');
    for (const entry of strings) {
      expect(text).not.toContain(entry.value);
    }
  });

  it('logs the outcome of each agent request', async () => {
    const log = new LogCapture();
    const baseUrl = await servers.start(testConfig(), {
      logger: { stream: log },
    });
    await sendAgentRequest(baseUrl, {
      action: 'provision',
      username: 'nobody',
      provisionCode: '0123456789',
    });
    const entries = log.lines.map(
      (line) => JSON.parse(line) as Record<string, unknown>,
    );
    const handled = entries.find(
      (entry) => entry.msg === 'agent request handled',
    );
    expect(handled).toMatchObject({
      action: 'provision',
      result: 'FAIL',
      error: 'USER_NOT_FOUND',
      username: 'nobody',
    });
  });

  it('stays silent at level silent', async () => {
    const log = new LogCapture();
    const baseUrl = await servers.start(testConfig(), {
      logger: { level: 'silent', stream: log },
    });
    await fetch(`${baseUrl}/ssdserver/getServerDetails?id=DEMO`);
    expect(log.lines).toEqual([]);
  });
});
