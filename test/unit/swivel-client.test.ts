import { describe, expect, it } from 'vitest';

import { ClientError, ClientErrorCode } from '../../src/client/client-error.js';
import {
  agentUrlFor,
  DEFAULT_TIMEOUT_MS,
  SwivelClient,
} from '../../src/client/swivel-client.js';
import {
  buildPingRequest,
  buildProvisionRequest,
  buildResponse,
  buildSecurityStringsRequest,
} from '../../src/protocol/agent-xml.js';
import {
  buildServerDetails,
  type ServerDetails,
} from '../../src/protocol/ssd.js';
import type { ServerSettings } from '../../src/protocol/server-settings.js';

interface RecordedRequest {
  readonly url: string;
  readonly init: RequestInit | undefined;
}

interface FakeFetch {
  readonly fetch: typeof fetch;
  readonly requests: RecordedRequest[];
}

/** Returns a fetch that records each request and replies with what `reply` builds. */
function fakeFetch(reply: () => Response | Promise<Response>): FakeFetch {
  const requests: RecordedRequest[] = [];
  const fetch = async (
    input: RequestInfo | URL,
    init?: RequestInit,
  ): Promise<Response> => {
    const url = input instanceof Request ? input.url : String(input);
    requests.push({ url, init });
    return reply();
  };
  return { fetch, requests };
}

function xmlReply(body: string, status = 200): Response {
  return new Response(body, {
    status,
    headers: { 'Content-Type': 'application/xml; charset=utf-8' },
  });
}

/** Creates a client whose every request receives `body` with HTTP 200. */
function clientReplying(body: string): {
  client: SwivelClient;
  requests: RecordedRequest[];
} {
  const fake = fakeFetch(() => xmlReply(body));
  return {
    client: new SwivelClient({ fetch: fake.fetch }),
    requests: fake.requests,
  };
}

async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('Expected the promise to reject, but it resolved.');
}

function headerOf(
  request: RecordedRequest | undefined,
  name: string,
): string | null {
  return new Headers(request?.init?.headers).get(name);
}

const agentUrl = 'https://swivel.example.com:8443/proxy/AgentXML';
const provisionId = '0123456789abcdef0123456789abcdef';

const details: ServerDetails = {
  host: 'swivel.example.com',
  port: 8443,
  tls: true,
  context: 'proxy',
  pushSupport: false,
  local: false,
  pin: false,
  oath: false,
};

/** Builds 100 `;`-separated entries: a placeholder and the strings for indexes 1 to 99. */
function fullBatch(): string {
  return Array.from({ length: 100 }, (_, position) =>
    String(position).padStart(10, '0'),
  ).join(';');
}

describe('agentUrlFor', () => {
  const settings: ServerSettings = {
    host: 'swivel.example.com',
    port: 8443,
    tls: true,
    context: 'proxy',
  };

  it('uses server directly on same origin', () => {
    const url = agentUrlFor(settings, 'https://swivel.example.com:8443');

    expect(url).toBe('https://swivel.example.com:8443/proxy/AgentXML');
  });

  it('treats default port as same origin', () => {
    const url = agentUrlFor(
      { ...settings, port: 443 },
      'https://swivel.example.com',
    );

    expect(url).toBe('https://swivel.example.com:443/proxy/AgentXML');
  });

  it('uses page origin for other host', () => {
    const url = agentUrlFor(settings, 'https://pwa.example');

    expect(url).toBe('https://pwa.example/proxy/AgentXML');
  });

  it('uses page origin for other port', () => {
    const url = agentUrlFor(settings, 'https://swivel.example.com');

    expect(url).toBe('https://swivel.example.com/proxy/AgentXML');
  });

  it('uses page origin for other scheme', () => {
    const url = agentUrlFor(
      { ...settings, tls: false, context: 'pinsafe' },
      'https://swivel.example.com:8443',
    );

    expect(url).toBe('https://swivel.example.com:8443/pinsafe/AgentXML');
  });

  it('matches IPv6 page origin', () => {
    const ipv6: ServerSettings = {
      host: '::1',
      port: 8080,
      tls: false,
      context: 'sentry',
    };

    const url = agentUrlFor(ipv6, 'http://[::1]:8080');

    expect(url).toBe('http://[::1]:8080/sentry/AgentXML');
  });
});

describe('SwivelClient defaults', () => {
  it('waits 15 seconds by default', () => {
    expect(DEFAULT_TIMEOUT_MS).toBe(15_000);
  });
});

describe('SwivelClient.lookupServer', () => {
  it('requests getServerDetails with id', async () => {
    const { client, requests } = clientReplying(buildServerDetails(details));

    await client.lookupServer('https://ssd.swivelsecure.net', 'acme-01');

    expect(requests).toHaveLength(1);
    expect(requests[0]?.url).toBe(
      'https://ssd.swivelsecure.net/ssdserver/getServerDetails?id=acme-01',
    );
  });

  it('sends GET without body', async () => {
    const { client, requests } = clientReplying(buildServerDetails(details));

    await client.lookupServer('https://ssd.swivelsecure.net', 'acme-01');

    expect(requests[0]?.init?.method).toBe('GET');
    expect(requests[0]?.init?.body).toBeUndefined();
  });

  it('encodes Site ID in query', async () => {
    const { client, requests } = clientReplying(buildServerDetails(details));

    await client.lookupServer('https://ssd.example/', 'acme 01&x=1');

    const url = new URL(requests[0]?.url ?? '');
    expect(url.pathname).toBe('/ssdserver/getServerDetails');
    expect([...url.searchParams.keys()]).toEqual(['id']);
    expect(url.searchParams.get('id')).toBe('acme 01&x=1');
  });

  it('returns server details', async () => {
    const { client } = clientReplying(buildServerDetails(details));

    const result = await client.lookupServer(
      'https://ssd.swivelsecure.net',
      'acme-01',
    );

    expect(result).toEqual(details);
  });

  it('maps unknown Site ID', async () => {
    const { client } = clientReplying(buildServerDetails(null));

    const error = await rejectionOf(
      client.lookupServer('https://ssd.swivelsecure.net', 'nobody'),
    );

    expect(error).toBeInstanceOf(ClientError);
    expect(error).toHaveProperty('code', ClientErrorCode.UnknownSiteId);
  });

  it('maps missing SSDetails to UNKNOWN_SITE_ID', async () => {
    const xml =
      '<getServerDetailsResponse><responseCode>0</responseCode></getServerDetailsResponse>';
    const { client } = clientReplying(xml);

    const error = await rejectionOf(
      client.lookupServer('https://ssd.swivelsecure.net', 'nobody'),
    );

    expect(error).toBeInstanceOf(ClientError);
    expect(error).toHaveProperty('code', ClientErrorCode.UnknownSiteId);
  });

  it('maps HTML reply to malformed', async () => {
    const { client } = clientReplying(
      '<html><body>Not found<br></body></html>',
    );

    const error = await rejectionOf(
      client.lookupServer('https://ssd.swivelsecure.net', 'acme-01'),
    );

    expect(error).toBeInstanceOf(ClientError);
    expect(error).toHaveProperty('code', ClientErrorCode.MalformedReply);
  });

  it('maps invalid hostname to malformed', async () => {
    const { client } = clientReplying(
      buildServerDetails({ ...details, host: 'bad host' }),
    );

    const error = await rejectionOf(
      client.lookupServer('https://ssd.swivelsecure.net', 'acme-01'),
    );

    expect(error).toBeInstanceOf(ClientError);
    expect(error).toHaveProperty('code', ClientErrorCode.MalformedReply);
  });

  it('maps HTTP 404 to HTTP error', async () => {
    const fake = fakeFetch(() => new Response('Not Found', { status: 404 }));
    const client = new SwivelClient({ fetch: fake.fetch });

    const error = await rejectionOf(
      client.lookupServer('https://ssd.swivelsecure.net', 'acme-01'),
    );

    expect(error).toBeInstanceOf(ClientError);
    expect(error).toHaveProperty('code', ClientErrorCode.HttpError);
  });
});

describe('SwivelClient request format', () => {
  it('posts exact ping body', async () => {
    const { client, requests } = clientReplying(
      buildResponse({ result: 'PASS' }),
    );

    await client.ping(agentUrl);

    expect(requests[0]?.url).toBe(agentUrl);
    expect(requests[0]?.init?.method).toBe('POST');
    expect(requests[0]?.init?.body).toBe(buildPingRequest());
  });

  it('posts exact provision body', async () => {
    const { client, requests } = clientReplying(
      buildResponse({ result: 'PASS', id: provisionId }),
    );

    await client.provision(agentUrl, 'alice', '4825930167');

    expect(requests[0]?.init?.method).toBe('POST');
    expect(requests[0]?.init?.body).toBe(
      buildProvisionRequest('alice', '4825930167'),
    );
  });

  it('posts exact SecurityStrings body', async () => {
    const { client, requests } = clientReplying(
      buildResponse(
        { result: 'PASS', securityStrings: fullBatch() },
        'RequestId',
      ),
    );

    await client.downloadStrings(agentUrl, provisionId);

    expect(requests[0]?.init?.method).toBe('POST');
    expect(requests[0]?.init?.body).toBe(
      buildSecurityStringsRequest(provisionId),
    );
  });

  it('sends XML content type', async () => {
    const { client, requests } = clientReplying(
      buildResponse({ result: 'PASS' }),
    );

    await client.ping(agentUrl);

    expect(headerOf(requests[0], 'Content-Type')).toBe(
      'application/xml; charset=utf-8',
    );
  });

  it('bypasses cache and credentials', async () => {
    const { client, requests } = clientReplying(
      buildResponse({ result: 'PASS' }),
    );

    await client.ping(agentUrl);

    expect(requests[0]?.init?.cache).toBe('no-store');
    expect(requests[0]?.init?.credentials).toBe('omit');
  });

  it('passes abort signal', async () => {
    const { client, requests } = clientReplying(
      buildResponse({ result: 'PASS' }),
    );

    await client.ping(agentUrl);

    expect(requests[0]?.init?.signal).toBeInstanceOf(AbortSignal);
  });
});

describe('SwivelClient replies', () => {
  it('resolves ping on PASS', async () => {
    const { client } = clientReplying(buildResponse({ result: 'PASS' }));

    await expect(client.ping(agentUrl)).resolves.toBeUndefined();
  });

  it('returns provision id', async () => {
    const { client } = clientReplying(
      buildResponse({ result: 'PASS', id: provisionId }),
    );

    const id = await client.provision(agentUrl, 'alice', '4825930167');

    expect(id).toBe(provisionId);
  });

  it('returns downloaded strings and policies', async () => {
    const policies = [
      { id: 'AllowUserPIN', section: 'mobile', show: 'true', value: 'ON' },
    ];
    const { client } = clientReplying(
      buildResponse(
        { result: 'PASS', securityStrings: fullBatch(), policies },
        'RequestId',
      ),
    );

    const batch = await client.downloadStrings(agentUrl, provisionId);

    expect(batch.strings).toHaveLength(99);
    expect(batch.strings[0]).toEqual({ index: 1, value: '0000000001' });
    expect(batch.policies).toEqual(policies);
  });

  it('returns empty policies when absent', async () => {
    const { client } = clientReplying(
      buildResponse({ result: 'PASS', securityStrings: fullBatch() }),
    );

    const batch = await client.downloadStrings(agentUrl, provisionId);

    expect(batch.policies).toEqual([]);
  });
});

describe('SwivelClient FAIL codes', () => {
  const cases: readonly (readonly [string | undefined, ClientErrorCode])[] = [
    ['USER_NOT_FOUND', ClientErrorCode.UserNotFound],
    ['user_not_found', ClientErrorCode.UserNotFound],
    ['INVALID_PROVISION_CODE', ClientErrorCode.InvalidProvisionCode],
    ['PROVISION_CODE_EXPIRED', ClientErrorCode.ProvisionCodeExpired],
    ['NOT_PROVISIONED', ClientErrorCode.NotProvisioned],
    ['MISSING_FIELD', ClientErrorCode.Rejected],
    ['SOMETHING_ELSE', ClientErrorCode.Rejected],
    [undefined, ClientErrorCode.Rejected],
  ];

  for (const [agentCode, clientCode] of cases) {
    it(`maps ${agentCode ?? 'missing Error'} to ${clientCode}`, async () => {
      const reply = buildResponse({ result: 'FAIL', error: agentCode });
      const { client } = clientReplying(reply);

      const error = await rejectionOf(
        client.provision(agentUrl, 'alice', '4825930167'),
      );

      expect(error).toBeInstanceOf(ClientError);
      expect(error).toHaveProperty('code', clientCode);
    });
  }

  it('maps NOT_PROVISIONED on download', async () => {
    const { client } = clientReplying(
      buildResponse({ result: 'FAIL', error: 'NOT_PROVISIONED' }),
    );

    const error = await rejectionOf(
      client.downloadStrings(agentUrl, provisionId),
    );

    expect(error).toBeInstanceOf(ClientError);
    expect(error).toHaveProperty('code', ClientErrorCode.NotProvisioned);
  });

  it('rejects ping FAIL', async () => {
    const { client } = clientReplying(buildResponse({ result: 'FAIL' }));

    const error = await rejectionOf(client.ping(agentUrl));

    expect(error).toBeInstanceOf(ClientError);
    expect(error).toHaveProperty('code', ClientErrorCode.Rejected);
  });

  it('puts ErrorDescription in message', async () => {
    const reply = buildResponse({
      result: 'FAIL',
      error: 'USER_NOT_FOUND',
      errorDescription: 'The user alice does not exist.',
    });
    const { client } = clientReplying(reply);

    const error = await rejectionOf(client.provision(agentUrl, 'alice', '1'));

    expect(error).toHaveProperty(
      'message',
      expect.stringContaining('The user alice does not exist.'),
    );
  });
});

describe('SwivelClient transport failures', () => {
  it('maps rejected fetch to unreachable', async () => {
    const cause = new TypeError('Failed to fetch');
    const fake = fakeFetch(() => Promise.reject(cause));
    const client = new SwivelClient({ fetch: fake.fetch });

    const error = await rejectionOf(client.ping(agentUrl));

    expect(error).toBeInstanceOf(ClientError);
    expect(error).toHaveProperty('code', ClientErrorCode.Unreachable);
    expect(error).toHaveProperty('cause', cause);
  });

  it('maps timeout to TIMEOUT', async () => {
    const hangingFetch = (
      _input: RequestInfo | URL,
      init?: RequestInit,
    ): Promise<Response> =>
      new Promise((_resolve, reject) => {
        const signal = init?.signal;
        signal?.addEventListener('abort', () => {
          reject(signal.reason);
        });
      });
    const client = new SwivelClient({ fetch: hangingFetch, timeoutMs: 5 });

    const error = await rejectionOf(client.ping(agentUrl));

    expect(error).toBeInstanceOf(ClientError);
    expect(error).toHaveProperty('code', ClientErrorCode.Timeout);
  });

  it('maps HTTP 500 to HTTP error', async () => {
    const fake = fakeFetch(() =>
      xmlReply(buildResponse({ result: 'PASS' }), 500),
    );
    const client = new SwivelClient({ fetch: fake.fetch });

    const error = await rejectionOf(client.ping(agentUrl));

    expect(error).toBeInstanceOf(ClientError);
    expect(error).toHaveProperty('code', ClientErrorCode.HttpError);
    expect(error).toHaveProperty('message', expect.stringContaining('500'));
  });

  it('maps failed body read to unreachable', async () => {
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.error(new TypeError('connection reset'));
      },
    });
    const fake = fakeFetch(() => new Response(body, { status: 200 }));
    const client = new SwivelClient({ fetch: fake.fetch });

    const error = await rejectionOf(client.ping(agentUrl));

    expect(error).toBeInstanceOf(ClientError);
    expect(error).toHaveProperty('code', ClientErrorCode.Unreachable);
  });
});

describe('SwivelClient malformed replies', () => {
  const replies: readonly (readonly [string, string])[] = [
    ['HTML page', '<!DOCTYPE html><html><body><h1>Welcome</h1></body></html>'],
    ['broken HTML', '<html><body>Error<br></body></html>'],
    ['truncated XML', buildResponse({ result: 'PASS' }).slice(0, 60)],
    ['empty body', ''],
    [
      'response without Result',
      '<SASResponse><Version>3.6</Version></SASResponse>',
    ],
  ];

  for (const [label, body] of replies) {
    it(`maps ${label} to malformed`, async () => {
      const { client } = clientReplying(body);

      const error = await rejectionOf(client.ping(agentUrl));

      expect(error).toBeInstanceOf(ClientError);
      expect(error).toHaveProperty('code', ClientErrorCode.MalformedReply);
    });
  }

  it('rejects PASS provision without Id', async () => {
    const { client } = clientReplying(buildResponse({ result: 'PASS' }));

    const error = await rejectionOf(
      client.provision(agentUrl, 'alice', '4825930167'),
    );

    expect(error).toBeInstanceOf(ClientError);
    expect(error).toHaveProperty('code', ClientErrorCode.MalformedReply);
  });

  it('rejects PASS provision with blank Id', async () => {
    const { client } = clientReplying(
      buildResponse({ result: 'PASS', id: '   ' }),
    );

    const error = await rejectionOf(
      client.provision(agentUrl, 'alice', '4825930167'),
    );

    expect(error).toBeInstanceOf(ClientError);
    expect(error).toHaveProperty('code', ClientErrorCode.MalformedReply);
  });

  it('rejects download without SecurityStrings', async () => {
    const { client } = clientReplying(buildResponse({ result: 'PASS' }));

    const error = await rejectionOf(
      client.downloadStrings(agentUrl, provisionId),
    );

    expect(error).toBeInstanceOf(ClientError);
    expect(error).toHaveProperty('code', ClientErrorCode.MalformedReply);
  });

  it('rejects malformed batch', async () => {
    const { client } = clientReplying(
      buildResponse({ result: 'PASS', securityStrings: '12345;67890' }),
    );

    const error = await rejectionOf(
      client.downloadStrings(agentUrl, provisionId),
    );

    expect(error).toBeInstanceOf(ClientError);
    expect(error).toHaveProperty('code', ClientErrorCode.MalformedReply);
  });
});
