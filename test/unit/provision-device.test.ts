import { afterEach, describe, expect, it } from 'vitest';

import { ClientError, ClientErrorCode } from '../../src/client/client-error.js';
import { type Batch, SwivelClient } from '../../src/client/swivel-client.js';
import type { ServerDetails } from '../../src/protocol/ssd.js';
import type { ServerSettings } from '../../src/protocol/server-settings.js';
import { InputError } from '../../src/provisioning/input-error.js';
import {
  isLoopbackHost,
  type ProvisionDependencies,
  provisionDevice,
  type ProvisionInput,
  type ProvisionProgress,
  updateCodes,
  validateProvisionInput,
} from '../../src/provisioning/provision-device.js';
import type { NewDevice } from '../../src/storage/vault-store.js';
import { VaultStore } from '../../src/storage/vault-store.js';

/** A SwivelClient that records calls and returns or throws preset results. */
class FakeClient extends SwivelClient {
  readonly calls: string[] = [];
  readonly lastArguments: Record<string, readonly string[]> = {};
  lookupResult: ServerDetails | Error = lookedUp;
  pingResult: Error | undefined = undefined;
  provisionResult: string | Error = newProvisionId;
  downloadResult: Batch | Error = {
    strings: strings(1, 99, 'N'),
    policies: newPolicies,
  };

  override async lookupServer(
    ssdBaseUrl: string,
    siteId: string,
  ): Promise<ServerDetails> {
    this.record('lookupServer', [ssdBaseUrl, siteId]);
    return settle(this.lookupResult);
  }

  override async ping(agentUrl: string): Promise<void> {
    this.record('ping', [agentUrl]);
    if (this.pingResult !== undefined) throw this.pingResult;
  }

  override async provision(
    agentUrl: string,
    username: string,
    code: string,
  ): Promise<string> {
    this.record('provision', [agentUrl, username, code]);
    return settle(this.provisionResult);
  }

  override async downloadStrings(
    agentUrl: string,
    provisionId: string,
  ): Promise<Batch> {
    this.record('downloadStrings', [agentUrl, provisionId]);
    return settle(this.downloadResult);
  }

  private record(method: string, values: readonly string[]): void {
    this.calls.push(method);
    this.lastArguments[method] = values;
  }
}

function settle<T>(result: T | Error): T {
  if (result instanceof Error) throw result;
  return result;
}

function strings(
  first: number,
  last: number,
  prefix: string,
): { index: number; value: string }[] {
  return Array.from({ length: last - first + 1 }, (_, offset) => ({
    index: first + offset,
    value: `${prefix}${String(first + offset).padStart(9, '0')}`,
  }));
}

const newProvisionId = 'ffffffffffffffffffffffffffffffff';
const newPolicies = [
  { id: 'AllowUserPIN', section: 'mobile', show: 'true', value: 'ON' },
];

const lookedUp: ServerDetails = {
  host: 'swivel.example.com',
  port: 8443,
  tls: true,
  context: 'proxy',
  pushSupport: true,
  local: false,
  pin: false,
  oath: true,
};

const manualServer: ServerSettings = {
  host: 'pinsafe.example',
  port: 8443,
  tls: true,
  context: 'pinsafe',
};

const plainHttpServer: ServerSettings = {
  host: 'pinsafe.example',
  port: 8080,
  tls: false,
  context: 'pinsafe',
};

const pageOrigin = 'https://pwa.example';
const ssdBaseUrl = 'https://ssd.swivelsecure.net';

const oldDevice: NewDevice = {
  siteId: 'old-site',
  server: manualServer,
  agentUrl: 'https://pwa.example/pinsafe/AgentXML',
  username: 'alice',
  provisionId: '0123456789abcdef0123456789abcdef',
  policies: [],
  provisionedAt: 1_600_000_000_000,
};

const openStores: VaultStore[] = [];

async function openStore(): Promise<VaultStore> {
  const store = await VaultStore.open(`vault-${crypto.randomUUID()}`);
  openStores.push(store);
  return store;
}

afterEach(() => {
  for (const store of openStores.splice(0)) store.close();
});

/** Opens a store that already contains `oldDevice` with its first two strings used. */
async function provisionedStore(): Promise<VaultStore> {
  const store = await openStore();
  await store.saveProvisionedDevice(
    oldDevice,
    strings(1, 99, 'O'),
    1_600_000_001_000,
  );
  await store.claimNext();
  await store.claimNext();
  return store;
}

/** Everything the store exposes, for comparing before and after a failure. */
async function snapshot(store: VaultStore): Promise<unknown> {
  const device = await store.getDevice();
  return {
    device,
    provisionId:
      device === undefined ? undefined : await store.getProvisionId(),
    strings: await store.getStrings(),
    remaining: await store.countRemaining(),
  };
}

function dependencies(
  client: FakeClient,
  store: VaultStore,
): ProvisionDependencies {
  let clock = 1_700_000_000_000;
  return {
    client,
    store,
    ssdBaseUrl,
    pageOrigin,
    now: () => {
      clock += 1000;
      return clock;
    },
  };
}

const bySiteId: ProvisionInput = {
  siteId: 'acme-01',
  username: 'bob',
  code: '4825930167',
};

async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('Expected the promise to reject, but it resolved.');
}

function thrownBy(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  throw new Error('Expected the call to throw, but it returned normally.');
}

describe('validateProvisionInput', () => {
  it('rejects empty username', () => {
    const error = thrownBy(() =>
      validateProvisionInput({ ...bySiteId, username: '' }),
    );

    expect(error).toBeInstanceOf(InputError);
    expect(error).toHaveProperty('title', 'User not set');
    expect(error).toHaveProperty('field', 'username');
  });

  it('rejects blank username', () => {
    const error = thrownBy(() =>
      validateProvisionInput({ ...bySiteId, username: '  \t' }),
    );

    expect(error).toHaveProperty('title', 'User not set');
  });

  it('checks username before code', () => {
    const error = thrownBy(() =>
      validateProvisionInput({ username: '', code: '' }),
    );

    expect(error).toHaveProperty('title', 'User not set');
  });

  it('rejects missing code', () => {
    const error = thrownBy(() =>
      validateProvisionInput({ ...bySiteId, code: ' ' }),
    );

    expect(error).toBeInstanceOf(InputError);
    expect(error).toHaveProperty('title', 'Provision code missing');
    expect(error).toHaveProperty('field', 'code');
  });

  it('rejects missing server', () => {
    const error = thrownBy(() =>
      validateProvisionInput({ username: 'bob', code: '1234' }),
    );

    expect(error).toBeInstanceOf(InputError);
    expect(error).toHaveProperty('title', 'Server not set');
    expect(error).toHaveProperty('field', 'siteId');
  });

  it('rejects blank Site ID without server', () => {
    const error = thrownBy(() =>
      validateProvisionInput({ siteId: ' ', username: 'bob', code: '1234' }),
    );

    expect(error).toHaveProperty('title', 'Server not set');
  });

  it('accepts Site ID alone', () => {
    expect(() => validateProvisionInput(bySiteId)).not.toThrow();
  });

  it('accepts server settings alone', () => {
    const input: ProvisionInput = {
      server: manualServer,
      username: 'bob',
      code: '1234',
    };

    expect(() => validateProvisionInput(input)).not.toThrow();
  });

  it('says what to enter', () => {
    const error = thrownBy(() =>
      validateProvisionInput({ ...bySiteId, username: '' }),
    );

    expect(error).toHaveProperty('message', expect.stringMatching(/^Enter /));
  });
});

describe('provisionDevice progress', () => {
  it('reports steps in order', async () => {
    const client = new FakeClient();
    const store = await openStore();
    const steps: string[] = [];

    await provisionDevice(bySiteId, dependencies(client, store), (progress) => {
      steps.push(progress.step);
    });

    expect(steps).toEqual([
      'lookup',
      'settings',
      'ping',
      'provision',
      'download',
      'done',
    ]);
  });

  it('reports looked-up settings', async () => {
    const client = new FakeClient();
    const store = await openStore();
    const reports: ProvisionProgress[] = [];

    await provisionDevice(
      { ...bySiteId, siteId: ' acme-01 ' },
      dependencies(client, store),
      (progress) => {
        reports.push(progress);
      },
    );

    expect(reports[0]).toEqual({ step: 'lookup', siteId: 'acme-01' });
    expect(reports[1]).toEqual({
      step: 'settings',
      server: {
        host: 'swivel.example.com',
        port: 8443,
        tls: true,
        context: 'proxy',
      },
    });
  });

  it('skips lookup for manual server', async () => {
    const client = new FakeClient();
    const store = await openStore();
    const steps: string[] = [];
    const input: ProvisionInput = {
      server: manualServer,
      username: 'bob',
      code: '1234',
    };

    await provisionDevice(input, dependencies(client, store), (progress) => {
      steps.push(progress.step);
    });

    expect(steps).toEqual([
      'settings',
      'ping',
      'provision',
      'download',
      'done',
    ]);
    expect(client.calls).toEqual(['ping', 'provision', 'downloadStrings']);
  });

  it('returns done without error', async () => {
    const client = new FakeClient();
    const store = await openStore();

    const done = await provisionDevice(bySiteId, dependencies(client, store));

    expect(done).toEqual({ step: 'done', downloadError: undefined });
  });
});

describe('provisionDevice requests', () => {
  it('looks up trimmed Site ID', async () => {
    const client = new FakeClient();
    const store = await openStore();

    await provisionDevice(
      { ...bySiteId, siteId: '  acme-01 ' },
      dependencies(client, store),
    );

    expect(client.lastArguments['lookupServer']).toEqual([
      ssdBaseUrl,
      'acme-01',
    ]);
  });

  it('prefers Site ID over server', async () => {
    const client = new FakeClient();
    const store = await openStore();

    await provisionDevice(
      { ...bySiteId, server: manualServer },
      dependencies(client, store),
    );

    expect(client.calls[0]).toBe('lookupServer');
    expect((await store.getDevice())?.server.host).toBe('swivel.example.com');
  });

  it('sends through page origin', async () => {
    const client = new FakeClient();
    const store = await openStore();

    await provisionDevice(bySiteId, dependencies(client, store));

    expect(client.lastArguments['ping']).toEqual([
      'https://pwa.example/proxy/AgentXML',
    ]);
  });

  it('sends trimmed username and code', async () => {
    const client = new FakeClient();
    const store = await openStore();

    await provisionDevice(
      { ...bySiteId, username: ' bob ', code: ' 4825930167\n' },
      dependencies(client, store),
    );

    expect(client.lastArguments['provision']).toEqual([
      'https://pwa.example/proxy/AgentXML',
      'bob',
      '4825930167',
    ]);
  });

  it('downloads with new provision id', async () => {
    const client = new FakeClient();
    const store = await openStore();

    await provisionDevice(bySiteId, dependencies(client, store));

    expect(client.lastArguments['downloadStrings']).toEqual([
      'https://pwa.example/proxy/AgentXML',
      newProvisionId,
    ]);
  });

  it('sends nothing for invalid input', async () => {
    const client = new FakeClient();
    const store = await openStore();

    const error = await rejectionOf(
      provisionDevice(
        { ...bySiteId, username: '' },
        dependencies(client, store),
      ),
    );

    expect(error).toBeInstanceOf(InputError);
    expect(client.calls).toEqual([]);
  });
});

describe('provisionDevice storage', () => {
  it('stores device and batch', async () => {
    const client = new FakeClient();
    const store = await openStore();

    await provisionDevice(bySiteId, dependencies(client, store));

    expect(await store.getDevice()).toEqual({
      siteId: 'acme-01',
      server: {
        host: 'swivel.example.com',
        port: 8443,
        tls: true,
        context: 'proxy',
      },
      agentUrl: 'https://pwa.example/proxy/AgentXML',
      username: 'bob',
      provisionId: {
        iv: expect.any(Uint8Array),
        data: expect.any(ArrayBuffer),
      },
      policies: newPolicies,
      provisionedAt: 1_700_000_001_000,
      downloadedAt: 1_700_000_002_000,
      batchId: expect.any(String),
      revoked: false,
      updateQueued: false,
    });
    expect(await store.getProvisionId()).toBe(newProvisionId);
    expect(await store.getStrings()).toEqual(
      strings(1, 99, 'N').map((string) => ({ ...string, used: false })),
    );
  });

  it('stores empty siteId for manual server', async () => {
    const client = new FakeClient();
    const store = await openStore();

    await provisionDevice(
      { server: manualServer, username: 'bob', code: '1' },
      dependencies(client, store),
    );

    expect((await store.getDevice())?.siteId).toBe('');
    expect((await store.getDevice())?.server).toEqual(manualServer);
  });

  it('replaces earlier device', async () => {
    const client = new FakeClient();
    const store = await provisionedStore();

    await provisionDevice(bySiteId, dependencies(client, store));

    const claimed = await store.claimNext();
    expect(await store.getProvisionId()).toBe(newProvisionId);
    expect(claimed?.index).toBe(1);
    expect(claimed?.value).toBe('N000000001');
  });

  it('clears revoked state', async () => {
    const client = new FakeClient();
    const store = await provisionedStore();
    await store.markRevoked();

    await provisionDevice(bySiteId, dependencies(client, store));

    expect((await store.getDevice())?.revoked).toBe(false);
    expect(await store.countRemaining()).toBe(99);
  });

  const failures: readonly (readonly [
    string,
    (client: FakeClient, error: ClientError) => void,
  ])[] = [
    ['lookup', (client, error) => (client.lookupResult = error)],
    ['ping', (client, error) => (client.pingResult = error)],
    ['provision', (client, error) => (client.provisionResult = error)],
  ];

  for (const [step, fail] of failures) {
    it(`keeps stored device when ${step} fails`, async () => {
      const client = new FakeClient();
      const store = await provisionedStore();
      const before = await snapshot(store);
      const failure = new ClientError(
        ClientErrorCode.Unreachable,
        `${step} failed`,
      );
      fail(client, failure);

      const error = await rejectionOf(
        provisionDevice(bySiteId, dependencies(client, store)),
      );

      expect(error).toBe(failure);
      expect(await snapshot(store)).toEqual(before);
    });
  }

  it('stops after failed lookup', async () => {
    const client = new FakeClient();
    const store = await openStore();
    client.lookupResult = new ClientError(
      ClientErrorCode.UnknownSiteId,
      'No server.',
    );

    await rejectionOf(provisionDevice(bySiteId, dependencies(client, store)));

    expect(client.calls).toEqual(['lookupServer']);
  });

  it('stops after failed provision', async () => {
    const client = new FakeClient();
    const store = await openStore();
    client.provisionResult = new ClientError(
      ClientErrorCode.InvalidProvisionCode,
      'Wrong code.',
    );

    await rejectionOf(provisionDevice(bySiteId, dependencies(client, store)));

    expect(client.calls).toEqual(['lookupServer', 'ping', 'provision']);
    expect(await store.getDevice()).toBeUndefined();
  });

  it('omits done after failure', async () => {
    const client = new FakeClient();
    const store = await openStore();
    client.pingResult = new ClientError(ClientErrorCode.Timeout, 'Too slow.');
    const steps: string[] = [];

    await rejectionOf(
      provisionDevice(bySiteId, dependencies(client, store), (progress) => {
        steps.push(progress.step);
      }),
    );

    expect(steps).toEqual(['lookup', 'settings', 'ping']);
  });
});

describe('provisionDevice transport check', () => {
  it('rejects plain HTTP server', async () => {
    const client = new FakeClient();
    const store = await openStore();

    const error = await rejectionOf(
      provisionDevice(
        { server: plainHttpServer, username: 'bob', code: '1234' },
        dependencies(client, store),
      ),
    );

    expect(error).toBeInstanceOf(InputError);
    expect(error).toHaveProperty('title', 'Server without TLS');
    expect(error).toHaveProperty('field', 'server');
    expect(client.calls).toEqual([]);
  });

  it('rejects plain HTTP lookup result', async () => {
    const client = new FakeClient();
    const store = await provisionedStore();
    const before = await snapshot(store);
    client.lookupResult = { ...lookedUp, port: 8080, tls: false };

    const error = await rejectionOf(
      provisionDevice(bySiteId, dependencies(client, store)),
    );

    expect(error).toHaveProperty('title', 'Server without TLS');
    expect(client.calls).toEqual(['lookupServer']);
    expect(await snapshot(store)).toEqual(before);
  });

  it('allows plain HTTP on loopback', async () => {
    const client = new FakeClient();
    const store = await openStore();
    const loopback: ServerSettings = {
      host: 'localhost',
      port: 8080,
      tls: false,
      context: 'pinsafe',
    };

    await provisionDevice(
      { server: loopback, username: 'bob', code: '1234' },
      dependencies(client, store),
    );

    expect((await store.getDevice())?.server).toEqual(loopback);
  });
});

describe('isLoopbackHost', () => {
  const cases: readonly (readonly [string, boolean])[] = [
    ['localhost', true],
    ['LOCALHOST', true],
    ['app.localhost', true],
    ['127.0.0.1', true],
    ['127.10.20.30', true],
    ['::1', true],
    ['[::1]', true],
    ['localhost.example', false],
    ['128.0.0.1', false],
    ['127.0.0.1.example', false],
    ['pinsafe.example', false],
  ];

  for (const [host, loopback] of cases) {
    it(`returns ${String(loopback)} for ${host}`, () => {
      expect(isLoopbackHost(host)).toBe(loopback);
    });
  }
});

describe('provisionDevice server confirmation', () => {
  /** Records each server that `confirmServer` is called with, and resolves to `accept`. */
  function confirmation(accept: boolean): {
    readonly prompted: ServerSettings[];
    readonly confirmServer: (server: ServerSettings) => Promise<boolean>;
  } {
    const prompted: ServerSettings[] = [];
    return {
      prompted,
      confirmServer: async (server) => {
        prompted.push(server);
        return accept;
      },
    };
  }

  it('asks about new looked-up server', async () => {
    const client = new FakeClient();
    const store = await openStore();
    const { prompted, confirmServer } = confirmation(true);

    await provisionDevice(bySiteId, {
      ...dependencies(client, store),
      confirmServer,
    });

    expect(prompted).toEqual([
      { host: 'swivel.example.com', port: 8443, tls: true, context: 'proxy' },
    ]);
    expect(await store.countRemaining()).toBe(99);
  });

  it('sends nothing when declined', async () => {
    const client = new FakeClient();
    const store = await provisionedStore();
    const before = await snapshot(store);
    const { confirmServer } = confirmation(false);

    const error = await rejectionOf(
      provisionDevice(bySiteId, {
        ...dependencies(client, store),
        confirmServer,
      }),
    );

    expect(error).toBeInstanceOf(InputError);
    expect(error).toHaveProperty('title', 'Provisioning cancelled');
    expect(client.calls).toEqual(['lookupServer']);
    expect(await snapshot(store)).toEqual(before);
  });

  it('skips asking for stored server', async () => {
    const client = new FakeClient();
    const store = await openStore();
    await store.saveProvisionedDevice(
      {
        ...oldDevice,
        server: {
          host: 'swivel.example.com',
          port: 8443,
          tls: true,
          context: 'proxy',
        },
      },
      strings(1, 99, 'O'),
      1,
    );
    const { prompted, confirmServer } = confirmation(false);

    await provisionDevice(bySiteId, {
      ...dependencies(client, store),
      confirmServer,
    });

    expect(prompted).toEqual([]);
    expect(await store.getProvisionId()).toBe(newProvisionId);
  });

  it('skips asking for own origin', async () => {
    const client = new FakeClient();
    const store = await openStore();
    client.lookupResult = {
      ...lookedUp,
      host: 'pwa.example',
      port: 443,
      tls: true,
    };
    const { prompted, confirmServer } = confirmation(false);

    await provisionDevice(bySiteId, {
      ...dependencies(client, store),
      confirmServer,
    });

    expect(prompted).toEqual([]);
  });

  it('skips asking for manual server', async () => {
    const client = new FakeClient();
    const store = await openStore();
    const { prompted, confirmServer } = confirmation(false);

    await provisionDevice(
      { server: manualServer, username: 'bob', code: '1234' },
      { ...dependencies(client, store), confirmServer },
    );

    expect(prompted).toEqual([]);
  });
});

describe('provisionDevice download failure', () => {
  it('reports download error in done', async () => {
    const client = new FakeClient();
    const store = await provisionedStore();
    const failure = new ClientError(ClientErrorCode.Timeout, 'Too slow.');
    client.downloadResult = failure;
    const reports: ProvisionProgress[] = [];

    const done = await provisionDevice(
      bySiteId,
      dependencies(client, store),
      (progress) => {
        reports.push(progress);
      },
    );

    expect(done).toEqual({ step: 'done', downloadError: failure });
    expect(reports.at(-1)).toEqual({ step: 'done', downloadError: failure });
  });

  it('stores new device without strings', async () => {
    const client = new FakeClient();
    const store = await provisionedStore();
    client.downloadResult = new ClientError(
      ClientErrorCode.MalformedReply,
      'Bad batch.',
    );

    await provisionDevice(bySiteId, dependencies(client, store));

    const device = await store.getDevice();
    expect(await store.getProvisionId()).toBe(newProvisionId);
    expect(device?.username).toBe('bob');
    expect(device?.downloadedAt).toBeNull();
    expect(device?.policies).toEqual([]);
    expect(device?.revoked).toBe(false);
    expect(await store.getStrings()).toEqual([]);
    expect(await store.countRemaining()).toBe(0);
    expect(await store.claimNext()).toBeNull();
  });
});

describe('updateCodes', () => {
  it('replaces batch with download', async () => {
    const client = new FakeClient();
    const store = await provisionedStore();

    await updateCodes(store, client, () => 1_800_000_000_000);

    const values = (await store.getStrings()).map((string) => string.value);
    expect(values).toEqual(strings(1, 99, 'N').map((string) => string.value));
    expect(await store.countRemaining()).toBe(99);
    expect((await store.claimNext())?.index).toBe(1);
    expect((await store.getDevice())?.downloadedAt).toBe(1_800_000_000_000);
    expect((await store.getDevice())?.policies).toEqual(newPolicies);
  });

  it('downloads with stored provision id', async () => {
    const client = new FakeClient();
    const store = await provisionedStore();

    await updateCodes(store, client);

    expect(client.lastArguments['downloadStrings']).toEqual([
      oldDevice.agentUrl,
      oldDevice.provisionId,
    ]);
  });

  it('clears queued update', async () => {
    const client = new FakeClient();
    const store = await provisionedStore();
    await store.setUpdateQueued(true);

    await updateCodes(store, client);

    expect((await store.getDevice())?.updateQueued).toBe(false);
  });

  const keptFailures: readonly ClientErrorCode[] = [
    ClientErrorCode.Unreachable,
    ClientErrorCode.Timeout,
    ClientErrorCode.HttpError,
    ClientErrorCode.MalformedReply,
    ClientErrorCode.Rejected,
  ];

  for (const code of keptFailures) {
    it(`keeps batch after ${code}`, async () => {
      const client = new FakeClient();
      const store = await provisionedStore();
      await store.setUpdateQueued(true);
      const before = await snapshot(store);
      const failure = new ClientError(code, 'Download failed.');
      client.downloadResult = failure;

      const error = await rejectionOf(updateCodes(store, client));

      expect(error).toBe(failure);
      expect(await snapshot(store)).toEqual(before);
    });
  }

  it('keeps batch after other errors', async () => {
    const client = new FakeClient();
    const store = await provisionedStore();
    const before = await snapshot(store);
    const failure = new TypeError('fetch failed');
    client.downloadResult = failure;

    const error = await rejectionOf(updateCodes(store, client));

    expect(error).toBe(failure);
    expect(await snapshot(store)).toEqual(before);
  });

  it('raises NOT_PROVISIONED again', async () => {
    const client = new FakeClient();
    const store = await provisionedStore();
    const failure = new ClientError(
      ClientErrorCode.NotProvisioned,
      'Replaced.',
    );
    client.downloadResult = failure;

    const error = await rejectionOf(updateCodes(store, client));

    expect(error).toBe(failure);
  });

  it('marks device revoked', async () => {
    const client = new FakeClient();
    const store = await provisionedStore();
    client.downloadResult = new ClientError(
      ClientErrorCode.NotProvisioned,
      'Replaced.',
    );

    await rejectionOf(updateCodes(store, client));

    expect((await store.getDevice())?.revoked).toBe(true);
  });

  it('removes revoked strings', async () => {
    const client = new FakeClient();
    const store = await provisionedStore();
    client.downloadResult = new ClientError(
      ClientErrorCode.NotProvisioned,
      'Replaced.',
    );

    await rejectionOf(updateCodes(store, client));

    expect(await store.getStrings()).toEqual([]);
    expect(await store.countRemaining()).toBe(0);
    expect(await store.claimNext()).toBeNull();
  });

  it('keeps revoked device details', async () => {
    const client = new FakeClient();
    const store = await provisionedStore();
    const before = await store.getDevice();
    client.downloadResult = new ClientError(
      ClientErrorCode.NotProvisioned,
      'Replaced.',
    );

    await rejectionOf(updateCodes(store, client));

    expect(await store.getDevice()).toEqual({ ...before, revoked: true });
    expect(await store.getProvisionId()).toBe(oldDevice.provisionId);
  });

  it('rejects revoked device without request', async () => {
    const client = new FakeClient();
    const store = await provisionedStore();
    client.downloadResult = new ClientError(
      ClientErrorCode.NotProvisioned,
      'Replaced.',
    );
    await rejectionOf(updateCodes(store, client));

    const error = await rejectionOf(updateCodes(store, client));

    expect(error).toBeInstanceOf(InputError);
    expect(error).toHaveProperty('title', 'Not provisioned');
    expect(client.calls).toEqual(['downloadStrings']);
  });

  it('rejects without device', async () => {
    const client = new FakeClient();
    const store = await openStore();

    const error = await rejectionOf(updateCodes(store, client));

    expect(error).toBeInstanceOf(InputError);
    expect(error).toHaveProperty('title', 'Not provisioned');
    expect(client.calls).toEqual([]);
  });
});
