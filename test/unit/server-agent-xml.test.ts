import { afterEach, describe, expect, it } from 'vitest';

import { buildRequest } from '../../src/protocol/agent-xml.js';
import { extractOtc, formatTypedCode } from '../../src/protocol/otc.js';
import { readSecurityStrings } from '../../src/protocol/security-strings.js';
import { AUTHENTICATION_FAILED } from '../../server/agent-actions.js';
import { UserDirectory } from '../../server/user-directory.js';
import {
  TestServers,
  callAdmin,
  createUserWithCode,
  postAgentXml,
  provisionUser,
  sendAgentRequest,
  testConfig,
} from './server-test-helpers.js';

const servers = new TestServers();
afterEach(() => servers.cleanUp());

/** Returns the value of the string at an index, as the admin API shows it. */
async function stringAt(
  baseUrl: string,
  username: string,
  index: number,
): Promise<{ value: string; used: boolean }> {
  const user = await callAdmin(baseUrl, 'GET', `/admin/users/${username}`);
  const strings = user.body.strings as {
    index: number;
    value: string;
    used: boolean;
  }[];
  const entry = strings.find((candidate) => candidate.index === index);
  if (entry === undefined) throw new Error(`no string at index ${index}`);
  return entry;
}

describe('Agent-XML ping', () => {
  it.each(['proxy', 'pinsafe', 'sentry'])('passes under /%s', async (name) => {
    const baseUrl = await servers.start();
    const body = buildRequest({ version: '3.6', action: 'ping' });
    const exchange = await postAgentXml(baseUrl, body, { context: name });
    expect(exchange.status).toBe(200);
    expect(exchange.contentType).toBe('application/xml; charset=utf-8');
    expect(exchange.response.result).toBe('PASS');
    expect(exchange.response.error).toBeUndefined();
  });

  it('echoes Version and RequestID', async () => {
    const baseUrl = await servers.start();
    const body = buildRequest({
      version: '3.10',
      action: 'ping',
      requestId: 'abc-1',
    });
    const { response, text } = await postAgentXml(baseUrl, body);
    expect(response.version).toBe('3.10');
    expect(response.requestId).toBe('abc-1');
    expect(text).toContain('<RequestID>abc-1</RequestID>');
  });

  it('omits RequestID when the request has none', async () => {
    const baseUrl = await servers.start();
    const { response } = await postAgentXml(
      baseUrl,
      buildRequest({ version: '3.6', action: 'ping' }),
    );
    expect(response.requestId).toBeUndefined();
  });

  it.each([
    ['text/xml', 'text/xml'],
    ['text/plain', 'text/plain'],
    ['JSON', 'application/json'],
    ['no', null],
  ])('reads the body with %s content type', async (_name, contentType) => {
    const baseUrl = await servers.start();
    const body = buildRequest({ version: '3.6', action: 'ping' });
    const exchange = await postAgentXml(baseUrl, body, { contentType });
    expect(exchange.status).toBe(200);
    expect(exchange.response.result).toBe('PASS');
  });

  it('matches the action without regard to case', async () => {
    const baseUrl = await servers.start();
    const response = await sendAgentRequest(baseUrl, { action: 'PING' });
    expect(response.result).toBe('PASS');
  });
});

describe('Agent-XML request errors', () => {
  it('rejects malformed XML', async () => {
    const baseUrl = await servers.start();
    const exchange = await postAgentXml(baseUrl, '<SASRequest><Version>');
    expect(exchange.status).toBe(200);
    expect(exchange.response.result).toBe('FAIL');
    expect(exchange.response.error).toBe('MALFORMED_REQUEST');
    expect(exchange.response.errorDescription).toMatch(/well-formed XML/);
  });

  it('rejects an empty body', async () => {
    const baseUrl = await servers.start();
    const exchange = await postAgentXml(baseUrl, '');
    expect(exchange.status).toBe(200);
    expect(exchange.response.error).toBe('MALFORMED_REQUEST');
  });

  it('rejects a wrong root element', async () => {
    const baseUrl = await servers.start();
    const exchange = await postAgentXml(
      baseUrl,
      '<SASResponse><Version>3.6</Version><Action>ping</Action></SASResponse>',
    );
    expect(exchange.response.error).toBe('MALFORMED_REQUEST');
    expect(exchange.response.errorDescription).toMatch(/SASRequest/);
  });

  it('rejects a body over 64 KiB', async () => {
    const baseUrl = await servers.start();
    const padding = 'x'.repeat(64 * 1024);
    const exchange = await postAgentXml(
      baseUrl,
      `<SASRequest><Version>3.6</Version><Action>ping</Action><Pad>${padding}</Pad></SASRequest>`,
    );
    expect(exchange.status).toBe(200);
    expect(exchange.response.error).toBe('MALFORMED_REQUEST');
    expect(exchange.response.errorDescription).toMatch(/64 KiB/);
  });

  it('rejects an unknown action', async () => {
    const baseUrl = await servers.start();
    const response = await sendAgentRequest(baseUrl, {
      action: 'dance',
      requestId: 'r9',
    });
    expect(response.result).toBe('FAIL');
    expect(response.error).toBe('UNKNOWN_ACTION');
    expect(response.errorDescription).toContain('"dance"');
    expect(response.requestId).toBe('r9');
  });

  it('names a missing Action', async () => {
    const baseUrl = await servers.start();
    const exchange = await postAgentXml(
      baseUrl,
      '<SASRequest><Version>3.6</Version></SASRequest>',
    );
    expect(exchange.response.error).toBe('MISSING_FIELD');
    expect(exchange.response.errorDescription).toContain('Action');
  });

  it('names a missing Version', async () => {
    const baseUrl = await servers.start();
    const exchange = await postAgentXml(
      baseUrl,
      '<SASRequest><Action>ping</Action></SASRequest>',
    );
    expect(exchange.response.error).toBe('MISSING_FIELD');
    expect(exchange.response.errorDescription).toContain('Version');
  });

  it.each([
    ['provision', 'Username', { provisionCode: '0123456789' }],
    ['provision', 'ProvisionCode', { username: 'alice' }],
    ['SecurityStrings', 'Id', {}],
    ['login', 'Username', { secret: 'test-secret', otc: '123401' }],
    ['login', 'OTC', { secret: 'test-secret', username: 'alice' }],
  ])('%s names a missing %s', async (action, element, fields) => {
    const baseUrl = await servers.start();
    const response = await sendAgentRequest(baseUrl, { action, ...fields });
    expect(response.result).toBe('FAIL');
    expect(response.error).toBe('MISSING_FIELD');
    expect(response.errorDescription).toContain(`<${element}>`);
  });

  it('treats an empty element as missing', async () => {
    const baseUrl = await servers.start();
    const response = await sendAgentRequest(baseUrl, {
      action: 'provision',
      username: 'alice',
      provisionCode: '',
    });
    expect(response.error).toBe('MISSING_FIELD');
    expect(response.errorDescription).toContain('ProvisionCode');
  });

  it('answers GET with 404', async () => {
    const baseUrl = await servers.start();
    const reply = await fetch(`${baseUrl}/proxy/AgentXML`, {
      headers: { accept: 'text/html' },
    });
    expect(reply.status).toBe(404);
  });
});

describe('Agent-XML provision', () => {
  it('returns a provision id', async () => {
    const baseUrl = await servers.start();
    const code = await createUserWithCode(baseUrl, 'alice', '1234');
    const exchange = await postAgentXml(
      baseUrl,
      buildRequest({
        version: '3.6',
        action: 'provision',
        username: 'alice',
        provisionCode: code,
        requestId: 'p1',
      }),
    );
    expect(exchange.response.result).toBe('PASS');
    expect(exchange.response.id).toMatch(/^[0-9a-f]{32}$/);
    expect(exchange.text).toContain('<RequestID>p1</RequestID>');
  });

  it('rejects an unknown user', async () => {
    const baseUrl = await servers.start();
    const response = await sendAgentRequest(baseUrl, {
      action: 'provision',
      username: 'nobody',
      provisionCode: '0123456789',
    });
    expect(response.result).toBe('FAIL');
    expect(response.error).toBe('USER_NOT_FOUND');
    expect(response.errorDescription).toMatch(/username/);
    expect(response.id).toBeUndefined();
  });

  it('burns the code on a wrong attempt', async () => {
    const baseUrl = await servers.start();
    const code = await createUserWithCode(baseUrl, 'alice', '1234');
    const wrong = code === '0000000000' ? '1111111111' : '0000000000';
    const first = await sendAgentRequest(baseUrl, {
      action: 'provision',
      username: 'alice',
      provisionCode: wrong,
    });
    expect(first.error).toBe('INVALID_PROVISION_CODE');
    const second = await sendAgentRequest(baseUrl, {
      action: 'provision',
      username: 'alice',
      provisionCode: code,
    });
    expect(second.error).toBe('INVALID_PROVISION_CODE');
  });

  it('rejects an expired code', async () => {
    let now = Date.UTC(2025, 0, 1);
    const directory = new UserDirectory({
      provisionCodeTtlSeconds: 600,
      now: () => now,
    });
    const baseUrl = await servers.start(testConfig(), {
      logger: false,
      directory,
    });
    const code = await createUserWithCode(baseUrl, 'alice', '1234');
    now += 600 * 1000;
    const response = await sendAgentRequest(baseUrl, {
      action: 'provision',
      username: 'alice',
      provisionCode: code,
    });
    expect(response.result).toBe('FAIL');
    expect(response.error).toBe('PROVISION_CODE_EXPIRED');
  });
});

describe('Agent-XML SecurityStrings', () => {
  it('returns a batch that the client reads', async () => {
    const baseUrl = await servers.start();
    const { batch } = await provisionUser(baseUrl, 'alice', '1234');
    expect(batch.result).toBe('PASS');
    const strings = readSecurityStrings(batch.securityStrings ?? '');
    expect(strings).toHaveLength(99);
    expect(strings[0]?.index).toBe(1);
    expect(strings[98]?.index).toBe(99);
    const first = await stringAt(baseUrl, 'alice', 1);
    expect(strings[0]?.value).toBe(first.value);
  });

  it('writes 100 entries with an empty placeholder', async () => {
    const baseUrl = await servers.start();
    const { batch } = await provisionUser(baseUrl, 'alice', '1234');
    const entries = (batch.securityStrings ?? '').split(';');
    expect(entries).toHaveLength(100);
    expect(entries[0]).toBe('');
  });

  it('spells the element RequestId', async () => {
    const baseUrl = await servers.start();
    const { provisionId } = await provisionUser(baseUrl, 'alice', '1234');
    const exchange = await postAgentXml(
      baseUrl,
      buildRequest({
        version: '3.6',
        action: 'SecurityStrings',
        id: provisionId,
        requestId: 's1',
      }),
    );
    expect(exchange.text).toContain('<RequestId>s1</RequestId>');
    expect(exchange.response.requestId).toBe('s1');
  });

  it('sends every policy OFF by default', async () => {
    const baseUrl = await servers.start();
    const { batch } = await provisionUser(baseUrl, 'alice', '1234');
    expect(batch.policies).toEqual([
      { id: 'AllowUserPIN', section: 'mobile', show: 'true', value: 'OFF' },
      {
        id: 'AllowExtractChoice',
        section: 'mobile',
        show: 'true',
        value: 'OFF',
      },
      {
        id: 'AllowStringBrowsing',
        section: 'mobile',
        show: 'true',
        value: 'OFF',
      },
    ]);
  });

  it('sends configured policies ON', async () => {
    const baseUrl = await servers.start(
      testConfig({
        policies: new Set(['AllowUserPIN', 'AllowStringBrowsing']),
      }),
    );
    const { batch } = await provisionUser(baseUrl, 'alice', '1234');
    const values = Object.fromEntries(
      (batch.policies ?? []).map((policy) => [policy.id, policy.value]),
    );
    expect(values).toEqual({
      AllowUserPIN: 'ON',
      AllowExtractChoice: 'OFF',
      AllowStringBrowsing: 'ON',
    });
  });

  it('rejects an unknown provision id', async () => {
    const baseUrl = await servers.start();
    const response = await sendAgentRequest(baseUrl, {
      action: 'SecurityStrings',
      id: 'f'.repeat(32),
    });
    expect(response.result).toBe('FAIL');
    expect(response.error).toBe('NOT_PROVISIONED');
    expect(response.securityStrings).toBeUndefined();
  });

  it('rejects a replaced provision id', async () => {
    const baseUrl = await servers.start();
    const { provisionId } = await provisionUser(baseUrl, 'alice', '1234');
    const issued = await callAdmin(
      baseUrl,
      'POST',
      '/admin/users/alice/provision-code',
    );
    const again = await sendAgentRequest(baseUrl, {
      action: 'provision',
      username: 'alice',
      provisionCode: String(issued.body.code),
    });
    expect(again.result).toBe('PASS');
    const response = await sendAgentRequest(baseUrl, {
      action: 'SecurityStrings',
      id: provisionId,
    });
    expect(response.error).toBe('NOT_PROVISIONED');
  });
});

describe('Agent-XML login', () => {
  async function typedCodeFor(
    baseUrl: string,
    index: number,
    format: 'plain' | 'comma' = 'plain',
  ): Promise<string> {
    const { value } = await stringAt(baseUrl, 'alice', index);
    return formatTypedCode(extractOtc(value, '3759'), index, format);
  }

  it('passes a plain code', async () => {
    const baseUrl = await servers.start();
    await provisionUser(baseUrl, 'alice', '3759');
    const response = await sendAgentRequest(baseUrl, {
      action: 'login',
      secret: 'test-secret',
      username: 'alice',
      otc: await typedCodeFor(baseUrl, 12),
    });
    expect(response.result).toBe('PASS');
    expect(response.error).toBeUndefined();
  });

  it('passes a comma code', async () => {
    const baseUrl = await servers.start();
    await provisionUser(baseUrl, 'alice', '3759');
    const response = await sendAgentRequest(baseUrl, {
      action: 'login',
      secret: 'test-secret',
      username: 'alice',
      otc: await typedCodeFor(baseUrl, 7, 'comma'),
    });
    expect(response.result).toBe('PASS');
  });

  it('fails a reused code', async () => {
    const baseUrl = await servers.start();
    await provisionUser(baseUrl, 'alice', '3759');
    const otc = await typedCodeFor(baseUrl, 2);
    const request = {
      action: 'login',
      secret: 'test-secret',
      username: 'alice',
      otc,
    };
    expect((await sendAgentRequest(baseUrl, request)).result).toBe('PASS');
    const second = await sendAgentRequest(baseUrl, request);
    expect(second.result).toBe('FAIL');
    expect(second.error).toBe(AUTHENTICATION_FAILED);
    expect(second.errorDescription).toMatch(/already used/);
  });

  it('uses the index on a wrong code', async () => {
    const baseUrl = await servers.start();
    await provisionUser(baseUrl, 'alice', '3759');
    const right = await typedCodeFor(baseUrl, 5);
    const wrong = right.startsWith('0000') ? '111105' : '000005';
    const response = await sendAgentRequest(baseUrl, {
      action: 'login',
      secret: 'test-secret',
      username: 'alice',
      otc: wrong,
    });
    expect(response.result).toBe('FAIL');
    expect((await stringAt(baseUrl, 'alice', 5)).used).toBe(true);
  });

  it('fails an SMS-style code without index', async () => {
    const baseUrl = await servers.start();
    await provisionUser(baseUrl, 'alice', '3759');
    const response = await sendAgentRequest(baseUrl, {
      action: 'login',
      secret: 'test-secret',
      username: 'alice',
      otc: '123',
    });
    expect(response.result).toBe('FAIL');
    expect(response.error).toBe(AUTHENTICATION_FAILED);
  });

  it('fails an unknown user', async () => {
    const baseUrl = await servers.start();
    const response = await sendAgentRequest(baseUrl, {
      action: 'login',
      secret: 'test-secret',
      username: 'nobody',
      otc: '123401',
    });
    expect(response.result).toBe('FAIL');
    expect(response.error).toBe(AUTHENTICATION_FAILED);
  });

  it.each([
    ['wrong', { secret: 'not-the-secret' }],
    ['missing', {}],
  ])('keeps the index on a %s secret', async (_case, secretField) => {
    const baseUrl = await servers.start();
    await provisionUser(baseUrl, 'alice', '3759');
    const otc = await typedCodeFor(baseUrl, 9);
    const rejected = await sendAgentRequest(baseUrl, {
      action: 'login',
      username: 'alice',
      otc,
      ...secretField,
    });
    expect(rejected.result).toBe('FAIL');
    expect(rejected.error).toBe('INVALID_SECRET');
    expect((await stringAt(baseUrl, 'alice', 9)).used).toBe(false);
    const accepted = await sendAgentRequest(baseUrl, {
      action: 'login',
      secret: 'test-secret',
      username: 'alice',
      otc,
    });
    expect(accepted.result).toBe('PASS');
  });

  it('fails every login without a configured secret', async () => {
    const baseUrl = await servers.start(testConfig({ agentSecret: null }));
    const response = await sendAgentRequest(baseUrl, {
      action: 'login',
      secret: '',
      username: 'alice',
      otc: '123401',
    });
    expect(response.result).toBe('FAIL');
    expect(response.error).toBe('INVALID_SECRET');
    expect(response.errorDescription).toContain('AGENT_SECRET');
  });
});
