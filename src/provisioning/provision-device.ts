import { agentUrlFor, type SwivelClient } from '../client/swivel-client.js';
import { ClientError } from '../client/client-error.js';
import type { ServerSettings } from '../protocol/server-settings.js';
import type { VaultStore } from '../storage/vault-store.js';
import { InputError } from './input-error.js';

/** What the user or a link supplied for provisioning. */
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
 * download fails, the device is stored with no strings, because the server
 * has already invalidated the old ones; `done` then carries the error.
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

/** Downloads a new batch and replaces the stored one whole; on failure nothing changes. */
export async function updateCodes(
  store: VaultStore,
  client: SwivelClient,
  now: () => number = Date.now,
): Promise<void> {
  const device = await store.getDevice();
  if (device === undefined) {
    throw new InputError(
      'Not provisioned',
      'Provision this device first.',
      'code',
    );
  }
  const batch = await client.downloadStrings(
    device.agentUrl,
    device.provisionId,
  );
  await store.replaceBatch(batch.strings, batch.policies, now());
}
