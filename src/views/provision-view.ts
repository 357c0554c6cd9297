import { html, LitElement, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';

import type { ProvisionLink } from '../link/parse-link.js';
import type { UserMessage } from '../provisioning/messages.js';
import type {
  ProvisionInput,
  ProvisionProgress,
} from '../provisioning/provision-device.js';
import { ProtocolError } from '../protocol/protocol-error.js';
import {
  readContext,
  readHost,
  readPort,
  isSameOrigin,
  type ServerSettings,
} from '../protocol/server-settings.js';
import { sharedStyles } from './shared-styles.js';

/** Fired when the user submits the form; the app runs provisioning. */
export class ProvisionRequestEvent extends Event {
  static readonly eventName = 'provision-request';

  constructor(readonly input: ProvisionInput) {
    super(ProvisionRequestEvent.eventName, { bubbles: true, composed: true });
  }
}

/** Fired when the user leaves the form to go back to the stored codes. */
export class ProvisionCancelEvent extends Event {
  static readonly eventName = 'provision-cancel';

  constructor() {
    super(ProvisionCancelEvent.eventName, { bubbles: true, composed: true });
  }
}

/** Fired when the user asks to scan the provisioning QR code, so that the app opens the scanner. */
export class ScanRequestEvent extends Event {
  static readonly eventName = 'scan-request';

  constructor() {
    super(ScanRequestEvent.eventName, { bubbles: true, composed: true });
  }
}

declare global {
  interface HTMLElementEventMap {
    [ProvisionRequestEvent.eventName]: ProvisionRequestEvent;
    [ScanRequestEvent.eventName]: ScanRequestEvent;
    [ProvisionCancelEvent.eventName]: ProvisionCancelEvent;
  }
  interface HTMLElementTagNameMap {
    'provision-view': ProvisionView;
  }
}

type ServerMode = 'site' | 'manual';

/**
 * The provisioning screen, for an Activate URL or for setup by hand. Fields
 * that a link carried are shown as text; missing ones are asked for.
 *
 * @fires provision-request - The user pressed the provision button.
 * @fires scan-request - The user pressed Scan QR code.
 */
@customElement('provision-view')
export class ProvisionView extends LitElement {
  static override styles = sharedStyles;

  @state() private serverMode: ServerMode = 'site';
  @state() private fieldError: UserMessage | null = null;

  /** Fields the Activate URL carried; empty for setup by hand. */
  @property({ attribute: false }) link: Omit<ProvisionLink, 'kind'> = {};
  /** Whether the screen was opened from a link. */
  @property({ type: Boolean }) fromLink = false;
  /** Server settings already stored, offered for links that carry no Site ID. */
  @property({ attribute: false }) knownServer: ServerSettings | null = null;
  /** The steps reached so far in the running or last attempt. */
  @property({ attribute: false }) progress: readonly ProvisionProgress[] = [];
  /** The failure of the last attempt, if any. */
  @property({ attribute: false }) error: UserMessage | null = null;
  @property({ type: Boolean }) busy = false;
  /** Whether a device is stored, so the user can go back to its codes. */
  @property({ type: Boolean }) cancellable = false;

  protected override updated(changed: Map<string, unknown>): void {
    const failed = changed.has('error') || changed.has('fieldError');
    if (!failed || (this.error === null && this.fieldError === null)) return;
    const alert = this.renderRoot.querySelector<HTMLElement>('[role="alert"]');
    alert?.scrollIntoView({ block: 'center' });
    alert?.focus({ preventScroll: true });
  }

  private value(name: string): string {
    const field = this.renderRoot.querySelector<
      HTMLInputElement | HTMLSelectElement
    >(`[name="${name}"]`);
    return field?.value.trim() ?? '';
  }

  private onSubmit(event: SubmitEvent): void {
    event.preventDefault();
    this.fieldError = null;
    const siteId =
      this.link.siteId ??
      (this.needsServer() && this.serverMode === 'site'
        ? this.value('siteId')
        : '');
    let server: ServerSettings | undefined;
    try {
      server = this.readServer(siteId);
    } catch (error) {
      if (!(error instanceof ProtocolError)) throw error;
      this.fieldError = {
        title: 'Invalid server settings',
        detail: error.message,
      };
      return;
    }
    this.dispatchEvent(
      new ProvisionRequestEvent({
        siteId: siteId === '' ? undefined : siteId,
        server,
        username: this.link.username ?? this.value('username'),
        code: this.link.code ?? this.value('code'),
      }),
    );
  }

  private readServer(siteId: string): ServerSettings | undefined {
    if (siteId !== '') return undefined;
    if (!this.needsServer()) return this.knownServer ?? undefined;
    if (this.serverMode !== 'manual') return undefined;
    const tls =
      this.renderRoot.querySelector<HTMLInputElement>('[name="tls"]')
        ?.checked ?? true;
    return {
      host: readHost(this.value('host')),
      port: readPort(this.value('port'), tls),
      tls,
      context: readContext(this.value('context')),
    };
  }

  /** Whether the form must ask for the server: no Site ID in the link and none stored. */
  private needsServer(): boolean {
    return (
      this.link.siteId === undefined &&
      (!this.fromLink || this.knownServer === null)
    );
  }

  override render() {
    const message = this.fieldError ?? this.error;
    return html`
      <section aria-labelledby="provision-title">
        <h1 id="provision-title">
          ${this.fromLink ? 'Activate this device' : 'Set up this device'}
        </h1>
        <p class="hint">
          ${
            this.fromLink
              ? 'Your Activate URL set up the fields below.'
              : 'Enter the details from your Swivel provisioning email or text message.'
          }
        </p>
        <p>
          <button
            type="button"
            class="secondary"
            ?disabled=${this.busy}
            @click=${() => this.dispatchEvent(new ScanRequestEvent())}
          >
            Scan QR code
          </button>
        </p>
        <form @submit=${this.onSubmit} novalidate>
          ${this.renderServerFields()} ${this.renderUserFields()}
          <div class="actions">
            <button type="submit" ?disabled=${this.busy}>
              ${
                this.link.siteId !== undefined ||
                (this.serverMode === 'site' && this.needsServer())
                  ? 'Get Server Settings'
                  : 'Provision'
              }
            </button>
            ${
              this.cancellable
                ? html`<button
                    type="button"
                    class="secondary"
                    @click=${() => this.dispatchEvent(new ProvisionCancelEvent())}
                  >
                    Back to codes
                  </button>`
                : nothing
            }
          </div>
        </form>
        ${
          message === null
            ? nothing
            : html`<div class="message error" role="alert" tabindex="-1">
                <strong>${message.title}</strong>${message.detail}
              </div>`
        }
        ${this.renderProgress(message !== null)}
      </section>
    `;
  }

  private renderServerFields() {
    if (this.link.siteId !== undefined) {
      return html`<dl class="settings">
        <dt>Site ID</dt>
        <dd data-testid="link-site-id">${this.link.siteId}</dd>
      </dl>`;
    }
    if (!this.needsServer() && this.knownServer !== null) {
      return html`<dl class="settings">
        <dt>Server</dt>
        <dd>${this.knownServer.host}:${this.knownServer.port}</dd>
      </dl>`;
    }
    return html`
      <fieldset class="field choices">
        <legend class="hint">How to find your server</legend>
        <label class="choice">
          <input
            type="radio"
            name="serverMode"
            value="site"
            .checked=${this.serverMode === 'site'}
            @change=${() => (this.serverMode = 'site')}
          />
          Use a Site ID
        </label>
        <label class="choice">
          <input
            type="radio"
            name="serverMode"
            value="manual"
            .checked=${this.serverMode === 'manual'}
            @change=${() => (this.serverMode = 'manual')}
          />
          Enter server settings
        </label>
      </fieldset>
      ${
        this.serverMode === 'site'
          ? html`<div class="field">
              <label for="siteId">Site ID</label>
              <input
                id="siteId"
                name="siteId"
                autocomplete="off"
                autocapitalize="off"
                spellcheck="false"
              />
            </div>`
          : this.renderManualFields()
      }
    `;
  }

  private renderManualFields() {
    return html`
      <p class="hint">
        The app sends its requests through ${location.host}, which forwards them
        to this server. Your administrator gives you these settings.
      </p>
      <div class="field">
        <label for="host">Host</label>
        <input
          id="host"
          name="host"
          autocomplete="off"
          autocapitalize="off"
          spellcheck="false"
          placeholder="swivel.example.com"
        />
      </div>
      <div class="field">
        <label for="port">Port</label>
        <input id="port" name="port" inputmode="numeric" value="8443" />
      </div>
      <div class="field">
        <label class="choice">
          <input type="checkbox" name="tls" checked /> Use TLS (HTTPS)
        </label>
      </div>
      <div class="field">
        <label for="context">Context</label>
        <select id="context" name="context">
          <option value="proxy">proxy (appliance)</option>
          <option value="pinsafe">pinsafe (software install)</option>
          <option value="sentry">sentry</option>
        </select>
      </div>
    `;
  }

  private renderUserFields() {
    return html`
      ${
        this.link.username !== undefined
          ? html`<dl class="settings">
              <dt>Username</dt>
              <dd data-testid="link-username">${this.link.username}</dd>
            </dl>`
          : html`<div class="field">
              <label for="username">Username</label>
              <input
                id="username"
                name="username"
                autocomplete="username"
                autocapitalize="off"
                spellcheck="false"
              />
            </div>`
      }
      ${
        this.link.code !== undefined
          ? html`<dl class="settings">
              <dt>Provision code</dt>
              <dd>From the link</dd>
            </dl>`
          : html`<div class="field">
              <label for="code">Provision code</label>
              <input
                id="code"
                name="code"
                autocomplete="one-time-code"
                autocapitalize="off"
                spellcheck="false"
              />
            </div>`
      }
    `;
  }

  /** Renders the steps so far; after a failure only the server settings stay, since the alert explains what went wrong. */
  private renderProgress(failed: boolean) {
    const steps = failed
      ? this.progress.filter((progress) => progress.step === 'settings')
      : this.progress;
    if (steps.length === 0) return nothing;
    return html`<div class="message" role="status" aria-live="polite">
      ${steps.map((progress) => this.renderStep(progress))}
    </div>`;
  }

  private renderStep(progress: ProvisionProgress) {
    switch (progress.step) {
      case 'lookup':
        return html`<p>
          Looking up server settings for Site ID ${progress.siteId}…
        </p>`;
      case 'settings':
        return html`<dl class="settings" data-testid="server-settings">
          <dt>Host</dt>
          <dd>${progress.server.host}</dd>
          <dt>Port</dt>
          <dd>${progress.server.port}</dd>
          <dt>TLS</dt>
          <dd>${progress.server.tls ? 'Yes' : 'No'}</dd>
          <dt>Context</dt>
          <dd>${progress.server.context}</dd>
          ${
            isSameOrigin(progress.server, location.origin)
              ? nothing
              : html`<dt>Reached through</dt>
                  <dd>${location.host}, this app's host</dd>`
          }
        </dl>`;
      case 'ping':
        return html`<p>Checking the server…</p>`;
      case 'provision':
        return html`<p>Provisioning. Please wait...</p>`;
      case 'download':
        return html`<p>Downloading security strings…</p>`;
      case 'done':
        return html`<p><strong>Device Provisioned</strong></p>`;
    }
  }
}
