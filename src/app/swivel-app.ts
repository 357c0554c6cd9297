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
import type { DeviceRecord, StringRecord } from '../storage/database.js';
import { type CurrentString, VaultStore } from '../storage/vault-store.js';
import '../views/codes-view.js';
import type { ProvisionRequestEvent } from '../views/provision-view.js';
import { sharedStyles } from '../views/shared-styles.js';
import {
  InstallPrompt,
  installInstructions,
  InstallStateEvent,
} from './install-prompt.js';
import { type Route, routeFor } from './route.js';
import {
  type ServiceWorkerBridge,
  UpdateWaitingEvent,
} from './service-worker-bridge.js';

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

/** Marks a browsing session in which the app has already opened, so a reload keeps the current string. */
const SESSION_KEY = 'swivel-opened';

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
  @state() private current: CurrentString | null = null;
  @state() private strings: readonly StringRecord[] = [];
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
    window.removeEventListener('online', this.onConnectivityChange);
    window.removeEventListener('offline', this.onConnectivityChange);
    this.store?.close();
  }

  private readonly onConnectivityChange = (): void => {
    this.online = navigator.onLine;
  };

  private readonly onPopState = (): void => {
    this.route = routeFor(new URL(location.href));
    this.resetProvisioning();
  };

  private async start(): Promise<void> {
    this.route = routeFor(new URL(location.href));
    try {
      this.store = await VaultStore.open();
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

  /** Moves on to the next unused string when the app opens in a new browsing session. */
  private async openSession(): Promise<void> {
    const store = this.requireStore();
    const firstOpen = sessionStorage.getItem(SESSION_KEY) === null;
    sessionStorage.setItem(SESSION_KEY, '1');
    this.device = await store.getDevice();
    if (this.device === undefined) return;
    this.current = firstOpen ? await store.advance() : await store.getCurrent();
    this.strings = await store.getStrings();
  }

  private requireStore(): VaultStore {
    if (this.store === null) throw new Error('The vault is not open yet.');
    return this.store;
  }

  private async reload(): Promise<void> {
    const store = this.requireStore();
    this.device = await store.getDevice();
    this.current = await store.getCurrent();
    this.strings = await store.getStrings();
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
        },
        (progress) => {
          if (progress.step === 'settings') host = progress.server.host;
          this.progress = [...this.progress, progress];
        },
      );
      await this.reload();
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

  private onProvisionCancel(): void {
    this.navigate('/');
  }

  private async onNextString(): Promise<void> {
    this.notice = null;
    this.current = await this.requireStore().advance();
    this.strings = await this.requireStore().getStrings();
  }

  private async onUpdateCodes(): Promise<void> {
    this.busy = true;
    this.notice = null;
    try {
      const { updateCodes, SwivelClient } = await loadNetworking();
      await updateCodes(this.requireStore(), new SwivelClient());
      await this.reload();
      this.notice = {
        kind: 'success',
        title: 'Codes updated',
        detail: `Downloaded ${this.strings.length} new security strings. The old ones no longer work.`,
      };
    } catch (error) {
      this.notice = {
        kind: 'error',
        ...describeError(error, {
          host: this.device?.server.host,
          username: this.device?.username,
        }),
      };
    } finally {
      this.busy = false;
    }
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
        ${this.updateWaiting ? this.renderUpdateBanner() : nothing}
        ${this.notice === null ? nothing : this.renderNotice(this.notice)}
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
        ${this.renderAbout()}
      </footer>
    `;
  }

  private renderUpdateBanner() {
    return html`<div class="message" role="status">
      <strong>A new version of Swivel Codes is ready</strong>
      Reload to use it. Your security strings stay as they are.
      <div class="actions">
        <button @click=${this.onApplyUpdate}>Reload to update</button>
      </div>
    </div>`;
  }

  private renderAbout() {
    return html`<details>
      <summary>About this app</summary>
      <p>
        Swivel Codes <span data-testid="app-version">${__APP_VERSION__}</span>
      </p>
      ${
        this.installPrompt.installed
          ? nothing
          : html`<p>
              Install it to open it from your home screen:
              ${installInstructions()}
            </p>`
      }
    </details>`;
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
      return html`${this.online ? nothing : this.renderOfflineLinkNotice()}
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

  private renderOfflineLinkNotice() {
    return html`<div class="message" role="status">
      <strong>You are offline</strong>
      This screen keeps what your link carried, and nothing is sent until you
      ask. When you are back online, tap Get Server Settings.
    </div>`;
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
    const policies = this.device?.policies;
    return html`<codes-view
      .current=${this.current}
      .strings=${this.strings}
      ?allowPin=${isPolicyOn(policies, PolicyId.AllowUserPin)}
      ?allowBrowsing=${isPolicyOn(policies, PolicyId.AllowStringBrowsing)}
      ?busy=${this.busy}
      @next-string=${this.onNextString}
      @update-codes=${this.onUpdateCodes}
    ></codes-view>`;
  }
}
