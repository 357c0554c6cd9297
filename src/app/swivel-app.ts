import { css, html, LitElement, nothing } from 'lit';
import { customElement, state } from 'lit/decorators.js';

import { ClientError, ClientErrorCode } from '../client/client-error.js';
import type { ProvisionLink } from '../link/parse-link.js';
import { describeError, type UserMessage } from '../provisioning/messages.js';
import type {
  ProvisionInput,
  ProvisionProgress,
} from '../provisioning/provision-device.js';
import { isPolicyOn, PolicyId } from '../protocol/policies.js';
import type { ServerSettings } from '../protocol/server-settings.js';
import type { DeviceRecord } from '../storage/database.js';
import {
  type PlainString,
  type ShownString,
  VaultStore,
} from '../storage/vault-store.js';
import '../views/codes-view.js';
import type { StringShownEvent } from '../views/codes-view.js';
import type { ProvisionRequestEvent } from '../views/provision-view.js';
import { sharedStyles } from '../views/shared-styles.js';
import {
  renderAbout,
  renderDeviceStatus,
  renderOfflineLinkNotice,
  renderRevoked,
  renderServerConfirmation,
  renderUpdateBanner,
  type ServerToConfirm,
} from '../views/shell-panels.js';
import { InstallPrompt, InstallStateEvent } from './install-prompt.js';
import { type Route, routeFor } from './route.js';
import { TabPresence } from './tab-presence.js';
import { TabStrings } from './tab-strings.js';
import type { ServiceWorkerBridge } from './service-worker-bridge.js';
import { UpdateWaitingEvent } from './update-waiting-event.js';

/**
 * Loads the code that talks to Swivel servers only when the user asks for
 * it, so showing a code offline does not pay for the XML parser.
 */
function loadNetworking() {
  return import('./networking.js');
}

/**
 * Returns whether a request failed after the provision request was sent but
 * before its reply arrived, when the server may have used the code.
 */
function lostDuringProvision(
  error: unknown,
  progress: readonly ProvisionProgress[],
): boolean {
  const last = progress.at(-1)?.step;
  const transport =
    error instanceof ClientError &&
    (error.code === ClientErrorCode.Timeout ||
      error.code === ClientErrorCode.Unreachable);
  return transport && last === 'provision';
}

/** Words a failure of the browser's storage, such as a database cleared while the app is open. */
function storageFailure(error: unknown): UserMessage {
  return {
    title: 'Stored data unavailable',
    detail: `The app could not read its stored strings (${error instanceof Error ? error.message : String(error)}). Reload the page; if the browser cleared the app's data, provision this device again.`,
  };
}

/** Fewer strings than this left at a fresh open, with the network up, starts a download. */
const TOP_UP_BELOW = Number(import.meta.env.VITE_TOP_UP_BELOW ?? 10);

/**
 * Local-storage flag set after provisioning. It contains no secret. With no
 * device in IndexedDB it means the browser cleared the app's data.
 */
const PROVISIONED_FLAG = 'swivel-provisioned';

/** Title of the notice that a download waits for the network. */
const QUEUED_TITLE = 'Update queued';

/** Tag of the Background Sync that downloads queued strings. */
const UPDATE_SYNC_TAG = 'swivel-update-codes';

interface Notice extends UserMessage {
  readonly kind: 'success' | 'error' | 'info';
}

declare global {
  interface HTMLElementTagNameMap {
    'swivel-app': SwivelApp;
  }
}

/**
 * The app shell: opens the vault, chooses a screen from the URL and runs
 * provisioning and downloads. Views only render and forward what the user
 * asks for.
 */
@customElement('swivel-app')
export class SwivelApp extends LitElement {
  static override styles = [
    sharedStyles,
    css`
      header {
        display: flex;
        align-items: baseline;
        justify-content: space-between;
        gap: 1rem;
        flex-wrap: wrap;
        margin-bottom: 1rem;
      }

      .brand {
        font-size: 1.2rem;
        font-weight: 700;
        color: var(--accent);
      }

      footer {
        margin-top: 2rem;
        color: var(--muted);
        font-size: 0.9rem;
      }

      a {
        color: var(--accent);
      }

      .status {
        margin-top: 1rem;
        font-size: 0.9rem;
      }

      .read-text code {
        overflow-wrap: anywhere;
      }
    `,
  ];

  private store: VaultStore | null = null;
  /** Set while the scanner is open, so that a second tap does not open another. */
  private scanning = false;

  private readonly installPrompt = new InstallPrompt();
  private serviceWorkerBridge: ServiceWorkerBridge | null = null;

  @state() private ready = false;
  @state() private canInstall = false;
  @state() private updateWaiting = false;
  @state() private online = navigator.onLine;
  /** A server new to this app, waiting for the user's decision. */
  @state() private serverToConfirm: ServerToConfirm | null = null;
  /** Whether the browser keeps this app's storage under pressure; null when unknown. */
  @state() private persisted: boolean | null = null;
  private tabStrings: TabStrings | null = null;
  private readonly presence = new TabPresence(
    () => this.current,
    () => void this.onDuplicateTab(),
  );
  private reloading: Promise<void> = Promise.resolve();

  /** The service worker bridge; set by the entry point in production builds. */
  get serviceWorker(): ServiceWorkerBridge | null {
    return this.serviceWorkerBridge;
  }

  set serviceWorker(bridge: ServiceWorkerBridge | null) {
    this.serviceWorkerBridge = bridge;
    bridge?.addEventListener(UpdateWaitingEvent.eventName, () => {
      this.updateWaiting = true;
    });
  }
  @state() private route: Route = { name: 'home' };
  @state() private device: DeviceRecord | undefined;
  @state() private current: ShownString | null = null;
  @state() private strings: readonly PlainString[] = [];
  @state() private notice: Notice | null = null;
  @state() private busy = false;
  @state() private progress: readonly ProvisionProgress[] = [];
  @state() private provisionError: UserMessage | null = null;
  /** Set when the user chose to provision again from a link while a device is stored. */
  @state() private replacing = false;

  override connectedCallback(): void {
    super.connectedCallback();
    this.installPrompt.addEventListener(InstallStateEvent.eventName, () => {
      this.canInstall = this.installPrompt.canInstall;
    });
    window.addEventListener('popstate', this.onPopState);
    window.addEventListener('online', this.onConnectivityChange);
    window.addEventListener('offline', this.onConnectivityChange);
    void this.start();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    window.removeEventListener('popstate', this.onPopState);
    this.presence.close();
    window.removeEventListener('online', this.onConnectivityChange);
    window.removeEventListener('offline', this.onConnectivityChange);
    this.store?.close();
  }

  private readonly onConnectivityChange = (): void => {
    this.online = navigator.onLine;
    if (this.online && this.device?.updateQueued === true && !this.busy) {
      void this.runQueuedUpdate();
    }
  };

  private readonly onPopState = (): void => {
    this.route = routeFor(new URL(location.href));
    this.resetProvisioning();
  };

  private async start(): Promise<void> {
    this.route = routeFor(new URL(location.href));
    try {
      this.store = await VaultStore.open(undefined, () => location.reload());
      this.tabStrings = new TabStrings(this.store);
      this.store.onExternalChange(() => void this.reload());
      await this.openSession();
    } catch (error) {
      this.notice = {
        kind: 'error',
        title: 'Storage unavailable',
        detail: `This browser does not let the app store codes (${String(error)}). Leave private browsing, or allow site data for this site, then reload.`,
      };
    }
    this.ready = true;
  }

  /**
   * Shows this tab's string: the same one after a reload, the next one never
   * shown when the app opens anew. A fresh open first downloads new strings
   * when few are left or a download was queued offline.
   */
  private async openSession(): Promise<void> {
    const store = this.requireStore();
    this.device = await store.getDevice();
    if (this.device === undefined) {
      if (localStorage.getItem(PROVISIONED_FLAG) !== null) {
        this.notice = {
          kind: 'error',
          title: 'Stored strings are gone',
          detail:
            "The browser cleared this app's stored data, so the security strings on this device are gone. Provision this device again with a new provision code.",
        };
      }
      return;
    }
    const queued = this.device.updateQueued;
    const reused = this.requireTabStrings().hasString();
    if (queued || !reused) {
      const remaining = await store.countRemaining();
      if (queued || remaining < TOP_UP_BELOW)
        await this.topUp(remaining >= TOP_UP_BELOW);
    }
    await this.reload();
    if (reused && this.current !== null) this.presence.check(this.current);
    this.persisted = (await navigator.storage?.persisted?.()) ?? null;
  }

  /** Downloads a new batch when online; a failure keeps the stored batch and shows why. */
  private async topUp(onlyIfQueued: boolean): Promise<void> {
    if (!navigator.onLine) return;
    try {
      const { updateCodes, SwivelClient } = await loadNetworking();
      const store = this.requireStore();
      const client = new SwivelClient();
      if (!(await updateCodes(store, client, Date.now, onlyIfQueued))) return;
      this.requireTabStrings().forget();
      this.notice = {
        kind: 'info',
        title: 'New strings downloaded',
        detail:
          'The app downloaded a new batch of security strings, because few were left or you asked for it offline.',
      };
    } catch (error) {
      this.notice = { kind: 'error', ...this.describeDeviceError(error) };
    }
  }

  private requireTabStrings(): TabStrings {
    if (this.tabStrings === null) throw new Error('The vault is not open yet.');
    return this.tabStrings;
  }

  private describeDeviceError(error: unknown): UserMessage {
    return describeError(error, {
      host: this.device?.server.host,
      username: this.device?.username,
    });
  }

  private requireStore(): VaultStore {
    if (this.store === null) throw new Error('The vault is not open yet.');
    return this.store;
  }

  /**
   * Reads the device and this tab's string again, after any change to the
   * vault. Reloads run one after another, because two at once could each
   * claim a string for this tab.
   */
  private reload(): Promise<void> {
    const next = this.reloading.then(() => this.readVault());
    this.reloading = next.catch(() => undefined);
    return next;
  }

  private async readVault(): Promise<void> {
    const store = this.requireStore();
    this.device = await store.getDevice();
    if (this.device === undefined || this.device.revoked) {
      this.current = null;
      this.strings = [];
      return;
    }
    this.current = await this.requireTabStrings().open();
    const browsing = isPolicyOn(
      this.device.policies,
      PolicyId.AllowStringBrowsing,
    );
    this.strings = browsing ? await store.getStrings() : [];
  }

  private resetProvisioning(): void {
    this.progress = [];
    this.provisionError = null;
    this.replacing = false;
  }

  private navigate(path: string): void {
    history.pushState(null, '', path);
    this.route = routeFor(new URL(location.href));
    this.resetProvisioning();
    this.notice = null;
  }

  private onProvisionRequest(event: ProvisionRequestEvent): Promise<void> {
    return this.provision(event.input);
  }

  /** Opens the scanner. An Activate URL from it that carries every field provisions at once. */
  private async onScanRequest(): Promise<void> {
    if (this.scanning) return;
    this.scanning = true;
    try {
      const { scanForLink } = await import('../scanner/scan-for-link.js');
      const scanned = await scanForLink(this.device?.server);
      if (scanned === null) return;
      this.resetProvisioning();
      this.route = { name: 'link', link: scanned.link };
      this.replacing = true;
      if (scanned.input !== null) await this.provision(scanned.input);
    } catch (error) {
      this.notice = { kind: 'error', ...describeError(error) };
    } finally {
      this.scanning = false;
    }
  }

  private async provision(input: ProvisionInput): Promise<void> {
    this.busy = true;
    this.notice = null;
    this.provisionError = null;
    this.progress = [];
    let host: string | undefined;
    try {
      const { provisionDevice, SwivelClient } = await loadNetworking();
      const done = await provisionDevice(
        input,
        {
          client: new SwivelClient(),
          store: this.requireStore(),
          ssdBaseUrl: import.meta.env.VITE_SSD_URL || location.origin,
          pageOrigin: location.origin,
          confirmServer: (server) => this.askToConfirm(server),
        },
        (progress) => {
          if (progress.step === 'settings') host = progress.server.host;
          this.progress = [...this.progress, progress];
        },
      );
      this.requireTabStrings().forget();
      await this.reload();
      localStorage.setItem(PROVISIONED_FLAG, '1');
      this.persisted = (await navigator.storage?.persist?.()) ?? null;
      history.replaceState(null, '', '/');
      this.route = { name: 'home' };
      this.resetProvisioning();
      this.notice =
        done.downloadError === undefined
          ? {
              kind: 'success',
              title: 'Device Provisioned',
              detail:
                'Your security strings are stored on this device and work offline.',
            }
          : {
              kind: 'error',
              title: 'Device Provisioned, but no strings yet',
              detail: `${describeError(done.downloadError, { host }).detail} Then tap Update codes.`,
            };
    } catch (error) {
      const message = describeError(error, {
        host,
        siteId: input.siteId,
        username: input.username,
      });
      this.provisionError = lostDuringProvision(error, this.progress)
        ? {
            ...message,
            detail: `${message.detail} The server may have used the provision code already: if trying again says Provision Failure, request a new code.`,
          }
        : message;
    } finally {
      this.busy = false;
    }
  }

  /**
   * Queues a download for when the network returns: the service worker runs
   * it through Background Sync where the browser has it, and the app runs it
   * at its next start or when the network comes back.
   */
  private async queueUpdate(): Promise<void> {
    await this.requireStore().setUpdateQueued(true);
    this.device = await this.requireStore().getDevice();
    try {
      const registration = await navigator.serviceWorker?.ready;
      await (
        registration as ServiceWorkerRegistration & {
          sync?: { register(tag: string): Promise<void> };
        }
      )?.sync?.register(UPDATE_SYNC_TAG);
    } catch (error) {
      console.info('swivel-app: Background Sync is not available', error);
    }
    this.notice = {
      kind: 'info',
      title: QUEUED_TITLE,
      detail:
        'You are offline. New strings will download when you are back online; until then the current strings still work.',
    };
  }

  /** Shows a server new to this app and waits for the user to accept or cancel it. */
  private askToConfirm(server: ServerSettings): Promise<boolean> {
    return new Promise((resolve) => {
      this.serverToConfirm = {
        server,
        answer: (accepted) => {
          this.serverToConfirm = null;
          resolve(accepted);
        },
      };
    });
  }

  private onProvisionCancel(): void {
    this.navigate('/');
  }

  /** Runs a download queued offline, unless another tab or the service worker already did. */
  private async runQueuedUpdate(): Promise<void> {
    this.busy = true;
    if (this.notice?.title === QUEUED_TITLE) this.notice = null;
    try {
      await this.topUp(true);
      await this.reload();
    } finally {
      this.busy = false;
    }
  }

  /** Claims a string of this tab's own after it turned out to be a copy of another tab. */
  private async onDuplicateTab(): Promise<void> {
    try {
      await this.requireTabStrings().next();
      await this.reload();
    } catch (error) {
      this.notice = { kind: 'error', ...storageFailure(error) };
    }
  }

  private async onStringShown(event: StringShownEvent): Promise<void> {
    const batchId = this.current?.batchId;
    if (batchId === undefined) return;
    try {
      await this.requireStore().markShown(batchId, event.index);
      await this.reload();
    } catch (error) {
      this.notice = { kind: 'error', ...storageFailure(error) };
    }
  }

  private async onNextString(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    this.notice = null;
    try {
      await this.requireTabStrings().next();
      await this.reload();
    } catch (error) {
      this.notice = { kind: 'error', ...storageFailure(error) };
    } finally {
      this.busy = false;
    }
  }

  private async onUpdateCodes(): Promise<void> {
    this.busy = true;
    this.notice = null;
    try {
      if (!navigator.onLine) {
        await this.queueUpdate();
        return;
      }
      const { updateCodes, SwivelClient } = await loadNetworking();
      await updateCodes(this.requireStore(), new SwivelClient());
      this.requireTabStrings().forget();
      await this.reload();
      const total = this.current?.total ?? 0;
      this.notice = {
        kind: 'success',
        title: 'Codes updated',
        detail: `Downloaded ${total} new security strings. The old ones no longer work.`,
      };
    } catch (error) {
      await this.reload().catch(() => undefined);
      this.notice = this.describeUpdateFailure(error);
    } finally {
      this.busy = false;
    }
  }

  /**
   * Words a failed download. A request that reached the server may have
   * replaced the server's batch even though this device kept the old one.
   */
  private describeUpdateFailure(error: unknown): Notice | null {
    if (error instanceof DOMException) {
      return { kind: 'error', ...storageFailure(error) };
    }
    if (
      error instanceof ClientError &&
      error.code === ClientErrorCode.NotProvisioned
    ) {
      return null;
    }
    const message = this.describeDeviceError(error);
    const maybeReplaced =
      error instanceof ClientError &&
      (error.code === ClientErrorCode.Timeout ||
        error.code === ClientErrorCode.MalformedReply ||
        error.code === ClientErrorCode.HttpError);
    return {
      kind: 'error',
      ...message,
      detail: maybeReplaced
        ? `${message.detail} The server may already have replaced your strings, so a code from this device may fail: tap Update codes again once the server works.`
        : message.detail,
    };
  }

  override render() {
    return html`
      <header>
        <span class="brand">Swivel Codes</span>
        ${
          this.device === undefined
            ? nothing
            : html`<span class="hint" data-testid="device-summary">
                ${this.device.username}${this.device.siteId === '' ? '' : html` · ${this.device.siteId}`}
              </span>`
        }
        ${
          this.canInstall
            ? html`<button class="secondary" @click=${this.onInstall}>
                Install app
              </button>`
            : nothing
        }
      </header>
      <main>
        ${this.updateWaiting ? renderUpdateBanner(this.onApplyUpdate) : nothing}
        ${this.notice === null ? nothing : this.renderNotice(this.notice)}
        ${renderServerConfirmation(this.serverToConfirm)}
        ${this.ready ? this.renderScreen() : html`<p role="status">Opening…</p>`}
      </main>
      <footer>
        ${
          this.device !== undefined && this.route.name === 'home'
            ? html`<p>
                <a href="/setup" @click=${this.onSetupLink}
                  >Provision this device again</a
                >
              </p>`
            : nothing
        }
        ${renderAbout(this.installPrompt.installed)}
      </footer>
    `;
  }

  private readonly onInstall = (): void => {
    void this.installPrompt.install();
  };

  private readonly onApplyUpdate = (): void => {
    this.serviceWorker?.applyUpdate();
  };

  private readonly onSetupLink = (event: MouseEvent): void => {
    event.preventDefault();
    this.navigate('/setup');
  };

  private renderNotice(notice: Notice) {
    return html`<div
      class="message ${notice.kind}"
      role=${notice.kind === 'error' ? 'alert' : 'status'}
    >
      <strong>${notice.title}</strong>${notice.detail}
    </div>`;
  }

  private renderScreen() {
    if (this.store === null) return nothing;
    const route = this.route;
    switch (route.name) {
      case 'home':
        return this.device === undefined
          ? this.renderProvision({}, false)
          : this.renderCodes();
      case 'setup':
        return this.renderProvision({}, false);
      case 'bad-link':
        return html`
          <div class="message error" role="alert">
            <strong>This link cannot be used</strong>${route.error.message}
            <p class="hint read-text">
              What was read: <code>${route.error.input}</code>
            </p>
          </div>
          ${this.device === undefined ? this.renderProvision({}, false) : this.renderCodes()}
        `;
      case 'link':
        if (route.link.kind === 'otpauth') {
          return html`<div class="message error" role="alert">
            <strong>OATH codes are not supported yet</strong>
            This is an otpauth (${route.link.type.toUpperCase()}) link for an
            authenticator app, not a Swivel Activate URL. Ask your administrator
            for a Swivel Activate URL.
          </div>`;
        }
        return this.renderLink(route.link);
    }
  }

  private renderLink(link: ProvisionLink) {
    if (this.device === undefined || this.replacing) {
      return html`${this.online ? nothing : renderOfflineLinkNotice()}
      ${this.renderProvision(link, true)}`;
    }
    const sameUser =
      link.username === undefined || link.username === this.device.username;
    const holder = sameUser
      ? `It holds security strings for ${this.device.username}.`
      : `It holds security strings for ${this.device.username}, and the link is for ${link.username}.`;
    return html`
      ${this.renderCodes()}
      <div class="message" role="status">
        <strong>This device is already provisioned</strong>
        ${holder} Provisioning again replaces them, and needs a provision code
        that has not been used.
        <div class="actions">
          <button class="secondary" @click=${() => (this.replacing = true)}>
            Provision again
          </button>
        </div>
      </div>
    `;
  }

  private renderProvision(
    link: Omit<ProvisionLink, 'kind'>,
    fromLink: boolean,
  ) {
    // The form loads on first use, so a provisioned device opening on its
    // codes does not pay for it. Lit keeps the properties set before the
    // element is defined.
    void import('../views/provision-view.js');
    return html`<provision-view
      .link=${link}
      ?fromLink=${fromLink}
      .knownServer=${this.device?.server ?? null}
      .progress=${this.progress}
      .error=${this.provisionError}
      ?busy=${this.busy}
      ?cancellable=${this.device !== undefined}
      @provision-request=${this.onProvisionRequest}
      @scan-request=${this.onScanRequest}
      @provision-cancel=${this.onProvisionCancel}
    ></provision-view>`;
  }

  private renderCodes() {
    if (this.device?.revoked === true)
      return renderRevoked(this.device.username, this.onSetupLink);
    const policies = this.device?.policies;
    return html`<codes-view
        .current=${this.current}
        .strings=${this.strings}
        ?allowPin=${isPolicyOn(policies, PolicyId.AllowUserPin)}
        ?allowBrowsing=${isPolicyOn(policies, PolicyId.AllowStringBrowsing)}
        ?busy=${this.busy}
        @next-string=${this.onNextString}
        @update-codes=${this.onUpdateCodes}
        @string-shown=${this.onStringShown}
      ></codes-view>
      ${renderDeviceStatus(this.device, this.current, this.persisted)}`;
  }
}
