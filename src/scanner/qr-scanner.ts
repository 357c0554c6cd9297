import { html, LitElement, nothing } from 'lit';
import { customElement, query, state } from 'lit/decorators.js';

import { sharedStyles } from '../views/shared-styles.js';
import { qrScannerStyles } from './qr-scanner-styles.js';
import { ScanController, type ScanProblem } from './scan-controller.js';
import { ScanCloseEvent, ScanFoundEvent } from './scan-events.js';
import { describeFoundLink } from './scan-outcome.js';

declare global {
  interface HTMLElementTagNameMap {
    'qr-scanner': QrScanner;
  }
}

/**
 * A modal scanner for the provisioning QR code: the camera, and an image
 * file, a pasted image or link, or a dropped image for when there is no
 * camera. It opens as soon as it is connected.
 *
 * @fires scan-found - An Activate URL was read, and the camera is already off.
 * @fires scan-close - The user closed the scanner without a code.
 */
@customElement('qr-scanner')
export class QrScanner extends LitElement {
  static override styles = [sharedStyles, qrScannerStyles];

  private readonly scan = new ScanController(this, (link) => {
    this.dialog.close();
    // Said outside the closed dialog, where screen readers still hear it.
    this.foundSentence = describeFoundLink(link);
    this.dispatchEvent(new ScanFoundEvent(link));
  });

  @query('dialog') private dialog!: HTMLDialogElement;
  @query('video') private video!: HTMLVideoElement;
  @query('input[type="file"]') private fileInput!: HTMLInputElement;

  @state() private foundSentence = '';

  override firstUpdated(): void {
    this.dialog.showModal();
    this.scan.attach(this.video);
    void this.scan.startCamera();
  }

  private close(): void {
    this.scan.stopCamera();
    this.dialog.close();
    this.dispatchEvent(new ScanCloseEvent());
  }

  private readonly onCancel = (event: Event): void => {
    // Escape closes through close(), so that the camera stops first.
    event.preventDefault();
    this.close();
  };

  private readonly onFileChange = (): void => {
    const file = this.fileInput.files?.[0];
    this.fileInput.value = '';
    if (file !== undefined) void this.scan.readImageFile(file);
  };

  private readonly onPaste = (event: ClipboardEvent): void => {
    const data = event.clipboardData;
    if (data === null) return;
    event.preventDefault();
    const image = [...data.files].find((file) =>
      file.type.startsWith('image/'),
    );
    if (image !== undefined) void this.scan.readImageFile(image);
    else this.scan.readText(data.getData('text/plain'));
  };

  private readonly onDragOver = (event: DragEvent): void => {
    event.preventDefault();
  };

  private readonly onDrop = (event: DragEvent): void => {
    event.preventDefault();
    const file = event.dataTransfer?.files[0];
    if (file !== undefined) void this.scan.readImageFile(file);
  };

  override render() {
    const { cameraStatus } = this.scan;
    const live = cameraStatus === 'starting' || cameraStatus === 'scanning';
    return html`<dialog
        aria-labelledby="scan-title"
        @cancel=${this.onCancel}
        @paste=${this.onPaste}
        @dragover=${this.onDragOver}
        @drop=${this.onDrop}
      >
        <div class="bar">
          <h2 id="scan-title">Scan QR code</h2>
          <button
            class="secondary"
            aria-label="Close scanner"
            @click=${this.close}
          >
            Close
          </button>
        </div>
        <div class="preview ${live ? '' : 'off'}">
          <video muted playsinline aria-label="Camera preview"></video>
        </div>
        <p class="hint" role="status" aria-live="polite">
          ${this.scan.announcement}
        </p>
        ${this.renderProblem(this.scan.problem)} ${this.renderCameraControls()}
        ${this.renderOtherWays()}
      </dialog>
      <p class="visually-hidden" role="status">${this.foundSentence}</p>`;
  }

  private renderProblem(problem: ScanProblem | null) {
    if (problem === null) return nothing;
    return html`<div class="message error" role="alert">
      <strong>${problem.message.title}</strong>${problem.message.detail}
      ${
        problem.text === undefined
          ? nothing
          : html`<p class="hint read">
              What was read: <code>${problem.text}</code>
            </p>`
      }
    </div>`;
  }

  private renderCameraControls() {
    const scan = this.scan;
    if (scan.found) return nothing;
    return html`<div class="actions">
      ${
        scan.cameraStatus === 'stopped' && scan.canStartCamera
          ? html`<button @click=${() => void scan.startCamera()}>
              Start camera
            </button>`
          : nothing
      }
      ${
        scan.canSwitchCamera && scan.cameraStatus === 'scanning'
          ? html`<button
              class="secondary"
              @click=${() => void scan.switchCamera()}
            >
              Switch camera
            </button>`
          : nothing
      }
      ${
        scan.torchSupported && scan.cameraStatus === 'scanning'
          ? html`<button
              class="secondary"
              aria-pressed=${scan.torchOn ? 'true' : 'false'}
              @click=${() => void scan.toggleTorch()}
            >
              Torch
            </button>`
          : nothing
      }
    </div>`;
  }

  private renderOtherWays() {
    return html`<h3>No camera?</h3>
      <p class="hint">
        Choose a photo or screenshot of the QR code, paste an image or the
        Activate URL, or drop an image here.
      </p>
      <div class="actions">
        <button class="secondary" @click=${() => this.fileInput.click()}>
          Choose image
        </button>
        <button
          class="secondary"
          @click=${() => void this.scan.pasteFromClipboard()}
        >
          Paste
        </button>
        <input
          type="file"
          accept="image/*"
          hidden
          @change=${this.onFileChange}
        />
      </div>`;
  }
}
