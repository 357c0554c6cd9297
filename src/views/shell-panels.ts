import { html, nothing } from 'lit';

import { installInstructions } from '../app/install-prompt.js';
import type { ServerSettings } from '../protocol/server-settings.js';
import type { DeviceRecord } from '../storage/database.js';
import type { ShownString } from '../storage/vault-store.js';

/**
 * Small panels of the app shell: confirmations, notices and the device's
 * status. Each is a function of its inputs; the shell owns the state.
 */

/** A server new to this app, waiting for the user's decision. */
export interface ServerToConfirm {
  readonly server: ServerSettings;
  readonly answer: (accepted: boolean) => void;
}

/** Renders the question whether to use a server this app has not used before. */
export function renderServerConfirmation(pending: ServerToConfirm | null) {
  if (pending === null) return nothing;
  const { server } = pending;
  return html`<div
    class="message"
    role="alertdialog"
    aria-labelledby="confirm-title"
  >
    <strong id="confirm-title">Use this server?</strong>
    This link points at a server this app has not used before:
    <dl class="settings">
      <dt>Host</dt>
      <dd data-testid="confirm-host">${server.host}:${server.port}</dd>
      <dt>TLS</dt>
      <dd>${server.tls ? 'Yes (https)' : 'No'}</dd>
    </dl>
    Continue only if your organisation sent you this link.
    <div class="actions">
      <button @click=${() => pending.answer(true)}>Continue</button>
      <button class="secondary" @click=${() => pending.answer(false)}>
        Cancel
      </button>
    </div>
  </div>`;
}

/** Renders the offer to reload into a new version of the app. */
export function renderUpdateBanner(onApply: () => void) {
  return html`<div class="message" role="status">
    <strong>A new version of Swivel Codes is ready</strong>
    Reload to use it. Your security strings stay as they are.
    <div class="actions">
      <button @click=${onApply}>Reload to update</button>
    </div>
  </div>`;
}

/** Renders the About panel with the version and, when needed, install steps. */
export function renderAbout(installed: boolean) {
  return html`<details>
    <summary>About this app</summary>
    <p>
      Swivel Codes <span data-testid="app-version">${__APP_VERSION__}</span>
    </p>
    ${
      installed
        ? nothing
        : html`<p>
            Install it to open it from your home screen:
            ${installInstructions()}
          </p>`
    }
  </details>`;
}

/** Renders the notice on a link screen opened without a network. */
export function renderOfflineLinkNotice() {
  return html`<div class="message" role="status">
    <strong>You are offline</strong>
    This screen keeps what your link carried, and nothing is sent until you ask.
    When you are back online, tap Get Server Settings.
  </div>`;
}

/** Renders the notice for a device the server no longer recognises. */
export function renderRevoked(
  username: string,
  onProvisionAgain: (event: MouseEvent) => void,
) {
  return html`<div class="message error" role="alert">
    <strong>This device is no longer provisioned</strong>
    The server no longer knows this device, usually because another device was
    provisioned for ${username}. Its strings were removed because they no longer
    work. Provision this device again with a new provision code.
    <div class="actions">
      <button @click=${onProvisionAgain}>Provision again</button>
    </div>
  </div>`;
}

/** Renders strings left, the last download and whether storage is persistent. */
export function renderDeviceStatus(
  device: DeviceRecord | undefined,
  current: ShownString | null,
  persisted: boolean | null,
) {
  if (device === undefined) return nothing;
  const downloaded =
    device.downloadedAt === null
      ? 'never'
      : new Date(device.downloadedAt).toLocaleString();
  const storage =
    persisted === null
      ? 'unknown'
      : persisted
        ? 'kept by the browser'
        : 'the browser may clear it when space runs low';
  return html`<dl class="settings status" data-testid="device-status">
    <dt>Strings left</dt>
    <dd>${current?.remaining ?? 0}</dd>
    <dt>Last download</dt>
    <dd>${downloaded}</dd>
    <dt>Storage</dt>
    <dd>${storage}</dd>
    ${
      device.updateQueued
        ? html`<dt>Update</dt>
            <dd>queued until the network returns</dd>`
        : nothing
    }
  </dl>`;
}
