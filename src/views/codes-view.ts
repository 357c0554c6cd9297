import { css, html, LitElement, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';

import { extractOtc, formatTypedCode, isValidPin } from '../protocol/otc.js';
import { formatIndex } from '../protocol/security-strings.js';
import type { PlainString, ShownString } from '../storage/vault-store.js';
import { sharedStyles } from './shared-styles.js';

const POSITIONS = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '0'];

/** Fired when the user asks for the next unused string. */
export class NextStringEvent extends Event {
  static readonly eventName = 'next-string';

  constructor() {
    super(NextStringEvent.eventName, { bubbles: true, composed: true });
  }
}

/** Fired when the user asks for a new batch of strings. */
export class UpdateCodesEvent extends Event {
  static readonly eventName = 'update-codes';

  constructor() {
    super(UpdateCodesEvent.eventName, { bubbles: true, composed: true });
  }
}

/**
 * Fired when browsing shows a string never shown before, so that the vault
 * marks it used and no tab offers it as new later.
 */
export class StringShownEvent extends Event {
  static readonly eventName = 'string-shown';

  constructor(readonly index: number) {
    super(StringShownEvent.eventName, { bubbles: true, composed: true });
  }
}

declare global {
  interface HTMLElementEventMap {
    [StringShownEvent.eventName]: StringShownEvent;
    [NextStringEvent.eventName]: NextStringEvent;
    [UpdateCodesEvent.eventName]: UpdateCodesEvent;
  }
  interface HTMLElementTagNameMap {
    'codes-view': CodesView;
  }
}

/**
 * The codes screen: the current security string under the position header,
 * its two-digit index and how many strings are left. With the `AllowUserPIN`
 * policy it also builds the finished code from a PIN that is kept only in
 * this element's memory, and with `AllowStringBrowsing` it lets the user step
 * through the batch.
 *
 * @fires next-string - The user pressed Next.
 * @fires update-codes - The user pressed Update codes.
 * @fires string-shown - Browsing showed a string never shown before.
 */
@customElement('codes-view')
export class CodesView extends LitElement {
  static override styles = [
    sharedStyles,
    css`
      .grid {
        display: grid;
        grid-template-columns: repeat(10, minmax(0, 1fr));
        max-width: 34rem;
        margin: 0 auto;
        text-align: center;
        font-family: ui-monospace, 'SFMono-Regular', Menlo, Consolas, monospace;
      }

      .positions {
        color: var(--muted);
        font-size: 1rem;
        border-bottom: 1px solid var(--border);
        padding-bottom: 0.25rem;
      }

      .characters {
        font-size: clamp(1.9rem, 8vw, 3rem);
        font-weight: 700;
        padding: 0.4rem 0;
      }

      .meta {
        display: flex;
        justify-content: space-between;
        align-items: center;
        flex-wrap: wrap;
        gap: 0.5rem;
        max-width: 34rem;
        margin: 0.75rem auto 0;
        font-size: 1.1rem;
      }

      .index {
        font-size: 1.6rem;
        font-weight: 700;
        font-family: ui-monospace, 'SFMono-Regular', Menlo, Consolas, monospace;
      }

      .card {
        background: var(--surface);
        border: 1px solid var(--border);
        border-radius: 0.75rem;
        padding: 1rem;
      }

      .badge {
        display: inline-block;
        align-self: center;
        line-height: 1.4;
        font-size: 0.85rem;
        font-weight: 600;
        padding: 0.1rem 0.5rem;
        border-radius: 1rem;
        background: var(--border);
      }

      .otc {
        font-size: 2rem;
        font-weight: 700;
        letter-spacing: 0.1em;
        font-family: ui-monospace, 'SFMono-Regular', Menlo, Consolas, monospace;
      }

      .pin {
        max-width: 12rem;
      }

      .pin-card {
        margin-top: 1rem;
      }

      .instructions {
        max-width: 34rem;
        margin: 0.75rem auto 0;
      }

      .browse {
        display: flex;
        align-items: center;
        gap: 0.5rem;
        flex-wrap: wrap;
        margin-top: 0.75rem;
      }

      .browse .hint {
        flex-basis: 100%;
      }

      .browse button {
        min-height: 44px;
        padding: 0.25rem 0.9rem;
        font-size: 0.95rem;
      }
    `,
  ];

  @state() private pin = '';
  /** Index of a string the user browsed to, or null to show the current one. */
  @state() private browsedIndex: number | null = null;

  /** The string to show, or null when the batch is used up. */
  @property({ attribute: false }) current: ShownString | null = null;
  /** Every string of the batch; used only for browsing. */
  @property({ attribute: false }) strings: readonly PlainString[] = [];
  /** Whether the `AllowUserPIN` policy is on. */
  @property({ type: Boolean }) allowPin = false;
  /** Whether the `AllowStringBrowsing` policy is on. */
  @property({ type: Boolean }) allowBrowsing = false;
  /** Whether a download is running, which disables the buttons. */
  @property({ type: Boolean }) busy = false;

  private firstCodeMarked = false;

  override connectedCallback(): void {
    super.connectedCallback();
    document.addEventListener('visibilitychange', this.clearPinWhenHidden);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    document.removeEventListener('visibilitychange', this.clearPinWhenHidden);
  }

  protected override willUpdate(changed: Map<string, unknown>): void {
    // A reload of the same string, for example after browsing marked another
    // one shown, keeps the view; only a different string resets it.
    const previous = changed.get('current') as ShownString | null | undefined;
    const moved =
      changed.has('current') &&
      (previous?.batchId !== this.current?.batchId ||
        previous?.index !== this.current?.index);
    if (moved) {
      this.browsedIndex = null;
      this.pin = '';
    }
  }

  protected override updated(): void {
    if (!this.firstCodeMarked && this.current !== null) {
      this.firstCodeMarked = true;
      performance.mark('first-code');
    }
  }

  private readonly clearPinWhenHidden = (): void => {
    if (document.visibilityState === 'hidden') this.pin = '';
  };

  private onPinInput(event: InputEvent): void {
    this.pin = (event.target as HTMLInputElement).value.replace(/\D/g, '');
  }

  private browse(step: -1 | 1): void {
    const shown = this.shownString();
    if (shown === undefined) return;
    const position = this.strings.findIndex(
      (string) => string.index === shown.index,
    );
    const target = this.strings[position + step];
    if (target === undefined) return;
    this.browsedIndex =
      target.index === this.current?.index ? null : target.index;
    if (!target.used) this.dispatchEvent(new StringShownEvent(target.index));
  }

  private shownString(): PlainString | undefined {
    if (this.browsedIndex === null) return this.current ?? undefined;
    return this.strings.find((string) => string.index === this.browsedIndex);
  }

  override render() {
    const shown = this.shownString();
    return html`
      <section class="card" aria-labelledby="codes-title">
        <h1 id="codes-title">Security string</h1>
        ${shown === undefined ? this.renderEmpty() : this.renderString(shown)}
        <div class="actions">
          <button
            @click=${() => this.dispatchEvent(new NextStringEvent())}
            ?disabled=${this.busy || this.current === null}
          >
            Next
          </button>
          <button
            class="secondary"
            @click=${() => this.dispatchEvent(new UpdateCodesEvent())}
            ?disabled=${this.busy}
          >
            Update codes
          </button>
        </div>
      </section>
      ${shown !== undefined && this.allowPin ? this.renderPin(shown) : nothing}
    `;
  }

  private renderEmpty() {
    const text =
      this.strings.length === 0
        ? 'This device has no security strings yet.'
        : 'No security strings left.';
    return html`<p role="status">
      ${text} Tap <strong>Update codes</strong> to download a new batch.
    </p>`;
  }

  private renderString(shown: PlainString) {
    const isCurrent = shown.index === this.current?.index;
    const characters = [...shown.value];
    return html`
      <div class="grid positions" aria-hidden="true">
        ${POSITIONS.map((position) => html`<span>${position}</span>`)}
      </div>
      <div
        class="grid characters"
        data-testid="security-string"
        aria-label=${`Security string ${characters.join(' ')}`}
      >
        ${characters.map((character) => html`<span>${character}</span>`)}
      </div>
      <div class="meta">
        <span
          >Index
          <span class="index" data-testid="string-index"
            >${formatIndex(shown.index)}</span
          ></span
        >
        ${
          isCurrent
            ? html`<span data-testid="strings-left"
                >${this.current?.remaining} strings left after this one</span
              >`
            : html`<span class="badge"
                >${shown.used ? 'Already shown' : 'Not yet shown'}</span
              >`
        }
      </div>
      ${this.allowPin ? nothing : this.renderInstructions(shown)}
      ${this.allowBrowsing ? this.renderBrowsing(shown) : nothing}
    `;
  }

  private renderBrowsing(shown: PlainString) {
    const position = this.strings.findIndex(
      (string) => string.index === shown.index,
    );
    return html`<div class="browse" role="group" aria-label="Browse strings">
      <span class="hint">Browse the batch:</span>
      <button
        class="secondary"
        aria-label="Show the earlier string"
        ?disabled=${position <= 0}
        @click=${() => this.browse(-1)}
      >
        ‹ Earlier
      </button>
      <button
        class="secondary"
        aria-label="Show the later string"
        ?disabled=${position < 0 || position >= this.strings.length - 1}
        @click=${() => this.browse(1)}
      >
        Later ›
      </button>
      ${
        this.browsedIndex !== null
          ? html`<button
              class="secondary"
              @click=${() => (this.browsedIndex = null)}
            >
              Back to current
            </button>`
          : nothing
      }
    </div>`;
  }

  private renderInstructions(shown: PlainString) {
    return html`<p class="hint instructions">
      To log in, type the characters under the digits of your PIN, in PIN order,
      then the index ${formatIndex(shown.index)}.
    </p>`;
  }

  private renderPin(shown: PlainString) {
    const code = isValidPin(this.pin)
      ? formatTypedCode(extractOtc(shown.value, this.pin), shown.index)
      : null;
    return html`
      <section class="card pin-card" aria-labelledby="pin-title">
        <h2 id="pin-title">Your one-time code</h2>
        <div class="field pin">
          <label for="pin">PIN</label>
          <input
            id="pin"
            type="password"
            inputmode="numeric"
            maxlength="10"
            autocomplete="off"
            .value=${this.pin}
            @input=${this.onPinInput}
          />
        </div>
        <p class="hint">
          Your PIN stays on this screen. It is never stored or sent.
        </p>
        <p aria-live="polite">
          ${
            code === null
              ? html`<span class="hint"
                  >Enter your 4 to 10 digit PIN to see the code to type.</span
                >`
              : html`Type
                  <span class="otc" data-testid="one-time-code">${code}</span>`
          }
        </p>
      </section>
    `;
  }
}
