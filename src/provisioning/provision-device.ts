import { agentUrlFor, type SwivelClient } from '../client/swivel-client.js';
import { ClientError, ClientErrorCode } from '../client/client-error.js';
import {
  isSameOrigin,
  type ServerSettings,
} from '../protocol/server-settings.js';
import type { VaultStore } from '../storage/vault-store.js';
import { InputError } from './input-error.js';

/** The fields the user or a link supplied for provisioning. */
export interface ProvisionInput {
  /** Looked up in the directory when set; otherwise `server` must be set. */
  readonly siteId?: string;
  readonly server?: ServerSettings;
  readonly username: string;
  readonly code: string;
}

/** The steps of provisioning, reported as each one starts or ends. */
export type ProvisionProgress =
  | { readonly step: 'lookup'; readonly siteId: string }
  | { readonly step: 'settings'; readonly server: ServerSettings }
  | { readonly step: 'ping' }
  | { readonly step: 'provision' }
  | { readonly step: 'download' }
  | { readonly step: 'done'; readonly downloadError?: ClientError };

export interface ProvisionDependencies {
  readonly client: SwivelClient;
  readonly store: VaultStore;
  /** Base URL of the Swivel directory (SSD). */
  readonly ssdBaseUrl: string;
  /** The app's own origin, for `agentUrlFor`. */
  readonly pageOrigin: string;
  readonly now?: () => number;
  /**
   * Asks the user whether to use a server that a Site ID lookup returned and
   * that the app has not used before. Resolves true to go on. Without it,
   * every such server is accepted.
   */
  readonly confirmServer?: (server: ServerSettings) => Promise<boolean>;
}

/** Returns whether `host` names this device, where plain HTTP cannot be overheard. */
export function isLoopbackHost(host: string): boolean {
  const name = host.toLowerCase().replace(/^\[|\]$/g, '');
  return (
    name === 'localhost' ||
    name.endsWith('.localhost') ||
    name === '::1' ||
    /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(name)
  );
}

/**
 * Rejects plain-HTTP servers other than loopback ones, because the provision
 * code and the strings would cross the network unencrypted.
 */
function checkTransport(server: ServerSettings): void {
  if (server.tls || isLoopbackHost(server.host)) return;
  throw new InputError(
    'Server without TLS',
    `The server ${server.host}:${server.port} does not use TLS (https), so the provision code and your strings would cross the network unencrypted. Ask your administrator for the server's https settings.`,
    'server',
  );
}

/** Returns whether the app has used `server` before: its own origin or the stored device's server. */
async function isKnownServer(
  server: ServerSettings,
  store: VaultStore,
  pageOrigin: string,
): Promise<boolean> {
  if (isSameOrigin(server, pageOrigin)) {
    return true;
  }
  const stored = (await store.getDevice())?.server;
  return (
    stored !== undefined &&
    stored.host === server.host &&
    stored.port === server.port &&
    stored.tls === server.tls
  );
}

/** Checks the input before any request, as Swivel's apps do. */
export function validateProvisionInput(input: ProvisionInput): void {
  if (input.username.trim() === '') {
    throw new InputError(
      'User not set',
      'Enter your username, the name you sign in with.',
      'username',
    );
  }
  if (input.code.trim() === '') {
    throw new InputError(
      'Provision code missing',
      'Enter the provision code from your email or text message.',
      'code',
    );
  }
  if ((input.siteId ?? '').trim() === '' && input.server === undefined) {
    throw new InputError(
      'Server not set',
      'Enter the Site ID from your email or text message, or the server settings from your administrator.',
      'siteId',
    );
  }
}

/**
 * Provisions this device: looks up the server, checks it with `ping`,
 * provisions, downloads the first batch and stores everything in one
 * transaction. Nothing is stored unless the provision succeeds. When only the
 * download fails with a `ClientError`, the device is stored with no strings,
 * because the server has already invalidated the old ones. `done` then
 * carries the error. A new server found through a Site ID needs
 * `confirmServer`, and plain-HTTP servers off this device are rejected.
 */
export async function provisionDevice(
  input: ProvisionInput,
  dependencies: ProvisionDependencies,
  onProgress: (progress: ProvisionProgress) => void = () => undefined,
): Promise<ProvisionProgress & { step: 'done' }> {
  validateProvisionInput(input);
  const { client, store, ssdBaseUrl, pageOrigin } = dependencies;
  const now = dependencies.now ?? Date.now;
  const siteId = input.siteId?.trim() ?? '';
  const username = input.username.trim();
  const code = input.code.trim();

  let server = input.server;
  if (siteId !== '') {
    onProgress({ step: 'lookup', siteId });
    const details = await client.lookupServer(ssdBaseUrl, siteId);
    server = {
      host: details.host,
      port: details.port,
      tls: details.tls,
      context: details.context,
    };
  }
  if (server === undefined) throw new Error('unreachable: validated above');
  onProgress({ step: 'settings', server });
  checkTransport(server);
  const confirm = dependencies.confirmServer;
  if (
    siteId !== '' &&
    confirm !== undefined &&
    !(await isKnownServer(server, store, pageOrigin)) &&
    !(await confirm(server))
  ) {
    throw new InputError(
      'Provisioning cancelled',
      'Nothing was sent to the server. Check the link with your administrator before you try again.',
      'server',
    );
  }

  const agentUrl = agentUrlFor(server, pageOrigin);
  onProgress({ step: 'ping' });
  await client.ping(agentUrl);

  onProgress({ step: 'provision' });
  const provisionId = await client.provision(agentUrl, username, code);
  const provisionedAt = now();

  onProgress({ step: 'download' });
  let downloadError: ClientError | undefined;
  let batch: Awaited<ReturnType<SwivelClient['downloadStrings']>> = {
    strings: [],
    policies: [],
  };
  try {
    batch = await client.downloadStrings(agentUrl, provisionId);
  } catch (error) {
    if (!(error instanceof ClientError)) throw error;
    downloadError = error;
  }

  await store.saveProvisionedDevice(
    {
      siteId,
      server,
      agentUrl,
      username,
      provisionId,
      policies: batch.policies,
      provisionedAt,
    },
    batch.strings,
    downloadError === undefined ? now() : null,
  );
  const done = { step: 'done', downloadError } as const;
  onProgress(done);
  return done;
}

/** Name of the Web Lock that keeps downloads from tabs and the service worker apart. */
const UPDATE_LOCK = 'swivel-update-codes';

/**
 * Runs `task` while holding the update lock, so that two downloads never
 * overlap: the server replaces its batch on every download, and only the
 * last one may be stored. Where the Web Locks API is missing, `task` runs
 * at once.
 */
async function withUpdateLock<T>(task: () => Promise<T>): Promise<T> {
  const locks = (globalThis.navigator as { locks?: LockManager } | undefined)
    ?.locks;
  if (locks === undefined) return task();
  return (await locks.request(UPDATE_LOCK, task)) as T;
}

/**
 * Downloads a new batch and replaces the stored one whole, one download at
 * a time across tabs and the service worker. With `onlyIfQueued`, it does
 * nothing unless a download is still pending, so that several tabs coming
 * back online send one request. Returns whether it downloaded.
 *
 * The device is marked as waiting for a download while the request runs,
 * so a page closed before the reply is stored downloads again at its next
 * start. On any other failure the stored batch and that mark stay as they
 * were. When the server no longer recognises this device, the device is marked
 * revoked and its invalid strings removed before the error is raised again.
 */
export function updateCodes(
  store: VaultStore,
  client: SwivelClient,
  now: () => number = Date.now,
  onlyIfQueued = false,
): Promise<boolean> {
  return withUpdateLock(async () => {
    const device = await store.getDevice();
    if (device === undefined || device.revoked) {
      throw new InputError(
        'Not provisioned',
        'Provision this device first.',
        'code',
      );
    }
    if (onlyIfQueued && !device.updateQueued) return false;

    const provisionId = await store.getProvisionId();
    await store.setUpdateQueued(true);
    let batch: Awaited<ReturnType<SwivelClient['downloadStrings']>>;
    try {
      batch = await client.downloadStrings(device.agentUrl, provisionId);
    } catch (error) {
      const revoked =
        error instanceof ClientError &&
        error.code === ClientErrorCode.NotProvisioned;
      if (revoked) await store.markRevoked();
      else await store.setUpdateQueued(device.updateQueued);
      throw error;
    }
    // A reply without policies keeps the ones the device has.
    const policies =
      batch.policies.length > 0 ? batch.policies : device.policies;
    await store.replaceBatch(batch.strings, policies, now());
    return true;
  });
}
