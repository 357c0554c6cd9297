/// <reference lib="webworker" />
import { clientsClaim } from 'workbox-core';
import {
  cleanupOutdatedCaches,
  createHandlerBoundToURL,
  precacheAndRoute,
} from 'workbox-precaching';
import { NavigationRoute, registerRoute } from 'workbox-routing';

import { ClientError, ClientErrorCode } from './client/client-error.js';
import { SwivelClient } from './client/swivel-client.js';
import { updateCodes } from './provisioning/provision-device.js';
import { VaultStore } from './storage/vault-store.js';

declare const self: ServiceWorkerGlobalScope;

precacheAndRoute(self.__WB_MANIFEST);
cleanupOutdatedCaches();

// Every navigation gets the precached shell, so `/`, `/activate` and the
// `/smc/...` link routes open offline. Server endpoints are never navigations
// the app handles, so they stay on the network.
registerRoute(
  new NavigationRoute(createHandlerBoundToURL('/index.html'), {
    denylist: [/^\/admin\//, /^\/ssdserver\//, /\/AgentXML$/],
  }),
);

// The first install takes control of open pages at once, so the page that
// provisioned the device also works offline without a reload.
clientsClaim();

self.addEventListener('message', (event: ExtendableMessageEvent) => {
  if ((event.data as { type?: unknown } | null)?.type === 'SKIP_WAITING') {
    void self.skipWaiting();
  }
});

/** Tag of the Background Sync that downloads strings queued while offline. */
const UPDATE_SYNC_TAG = 'swivel-update-codes';

/** The Background Sync event, which TypeScript's WebWorker library lacks. */
interface SyncEvent extends ExtendableEvent {
  readonly tag: string;
}

self.addEventListener('sync', (event) => {
  const sync = event as SyncEvent;
  if (sync.tag === UPDATE_SYNC_TAG) sync.waitUntil(runQueuedUpdate());
});

/**
 * Downloads the batch the user asked for while offline. A network failure
 * is raised again so that the browser retries the sync later; the vault
 * announces the new batch to open tabs.
 */
async function runQueuedUpdate(): Promise<void> {
  const store = await VaultStore.open();
  try {
    const device = await store.getDevice();
    if (device?.updateQueued !== true || device.revoked) return;
    await updateCodes(store, new SwivelClient(), Date.now, true);
  } catch (error) {
    const revoked =
      error instanceof ClientError &&
      error.code === ClientErrorCode.NotProvisioned;
    if (!revoked) throw error;
  } finally {
    store.close();
  }
}
