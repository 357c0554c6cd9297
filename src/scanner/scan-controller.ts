import type { ReactiveController, ReactiveControllerHost } from 'lit';

import type { ProvisionLink } from '../link/parse-link.js';
import { describeError, type UserMessage } from '../provisioning/messages.js';
import { CameraSession } from './camera-session.js';
import { decodeQr, loadDecoder } from './decode-qr.js';
import { readClipboard } from './read-clipboard.js';
import { PixelReader, readImage } from './read-image.js';
import { describeScanError, ScanError, ScanErrorCode } from './scan-error.js';
import { readScannedText } from './scan-outcome.js';

/** The camera's state: starting, decoding frames, paused while the page is hidden, or stopped. */
export type CameraStatus = 'starting' | 'scanning' | 'paused' | 'stopped';

/** A failure, or a code that is not an Activate URL, shown until the next one. */
export interface ScanProblem {
  readonly message: UserMessage;
  /** The text that was read, when the problem is what a code contained. */
  readonly text?: string;
}

/**
 * Milliseconds from the end of one frame's decoding to the next frame. About
 * ten frames a second finds a code as soon as it is steady in view, and
 * leaves the processor idle most of the time.
 */
const FRAME_GAP_MS = 100;

/**
 * Runs a scan for its element: the camera, the frame loop, images and text
 * from the other ways in, and the one Activate URL found. Every way in goes
 * through `readScannedText`, and only the first link found reaches `onFound`.
 */
export class ScanController implements ReactiveController {
  cameraStatus: CameraStatus = 'stopped';
  problem: ScanProblem | null = null;
  /** A sentence for the live region: what the scanner is doing. */
  announcement = '';
  torchSupported = false;
  torchOn = false;
  canSwitchCamera = false;
  /** False once the browser turned out to have no camera API at all. */
  canStartCamera = true;
  /** Set once a link is found; nothing is read after that. */
  found = false;

  private readonly host: ReactiveControllerHost;
  private readonly onFound: (link: ProvisionLink) => void;
  private readonly session: CameraSession;
  private readonly pixels = new PixelReader();
  private video: HTMLVideoElement | null = null;
  private frameTimer: ReturnType<typeof setTimeout> | undefined;
  /** Incremented to end the running frame loop. */
  private frameLoop = 0;

  constructor(
    host: ReactiveControllerHost,
    onFound: (link: ProvisionLink) => void,
    session = new CameraSession(),
  ) {
    this.host = host;
    this.onFound = onFound;
    this.session = session;
    host.addController(this);
  }

  hostConnected(): void {
    document.addEventListener('visibilitychange', this.onVisibilityChange);
  }

  hostDisconnected(): void {
    document.removeEventListener('visibilitychange', this.onVisibilityChange);
    this.stopCamera();
  }

  /** Sets the element that shows the camera, which frames are read from. */
  attach(video: HTMLVideoElement): void {
    this.video = video;
  }

  /** Starts the camera, or starts it again after a failure. */
  startCamera(): Promise<void> {
    return this.runCamera(() => this.session.start());
  }

  /** Moves to the next camera and remembers it for the next scan. */
  switchCamera(): Promise<void> {
    return this.runCamera(() => this.session.switchCamera());
  }

  /** Stops every camera track, including one still starting. */
  stopCamera(status: CameraStatus = 'stopped'): void {
    this.session.stop();
    this.frameLoop++;
    clearTimeout(this.frameTimer);
    if (this.video !== null) this.video.srcObject = null;
    this.cameraStatus = status;
    this.torchOn = false;
    this.host.requestUpdate();
  }

  /** Turns the torch on or off. */
  async toggleTorch(): Promise<void> {
    try {
      await this.session.setTorch(!this.torchOn);
      this.torchOn = !this.torchOn;
    } catch {
      // The track offered a torch but rejected the change, so stop offering it.
      this.torchSupported = false;
    }
    this.host.requestUpdate();
  }

  /** Reads a QR code from an image file, a pasted image or a dropped one. */
  async readImageFile(image: Blob): Promise<void> {
    this.announce('Reading the image…');
    try {
      const text = await decodeQr(await readImage(image));
      if (text === null) {
        throw new ScanError(
          ScanErrorCode.NoCodeInImage,
          `No QR code found in the ${image.type || 'image'}.`,
        );
      }
      this.readText(text);
    } catch (error) {
      this.fail(error);
    }
  }

  /**
   * Reads an image, or else text, from the clipboard through the
   * asynchronous Clipboard API, for devices without a paste key.
   */
  async pasteFromClipboard(): Promise<void> {
    try {
      const item = await readClipboard();
      if (item instanceof Blob) await this.readImageFile(item);
      else this.readText(item);
    } catch (error) {
      this.fail(
        error instanceof ScanError
          ? error
          : new ScanError(
              ScanErrorCode.ClipboardUnreadable,
              'The clipboard could not be read.',
              { cause: error },
            ),
      );
    }
  }

  /** Reads pasted text or a decoded code as an Activate URL. */
  readText(text: string): void {
    if (this.found) return;
    const outcome = readScannedText(text);
    if (outcome.kind === 'rejected') {
      // Camera frames read the same code again and again, so report it once.
      if (this.problem?.text === text) return;
      this.problem = { message: outcome.message, text };
      this.announce('');
      return;
    }
    this.found = true;
    this.stopCamera();
    this.problem = null;
    this.onFound(outcome.link);
  }

  private async runCamera(
    open: () => Promise<MediaStream | null>,
  ): Promise<void> {
    if (this.found) return;
    this.stopCamera('starting');
    this.problem = null;
    this.announce('Starting the camera…');
    // Fetch the decoder while the camera starts. A failure shows on the first frame.
    loadDecoder().catch(() => undefined);
    let stream: MediaStream | null;
    try {
      stream = await open();
    } catch (error) {
      this.stopCamera();
      this.fail(error);
      return;
    }
    if (stream === null) return;
    await this.show(stream);
  }

  private async show(stream: MediaStream): Promise<void> {
    const video = this.video;
    if (video === null) return;
    const loop = this.frameLoop;
    video.srcObject = stream;
    // play() rejects when the scanner closes before the first frame.
    await video.play().catch(() => undefined);
    if (loop !== this.frameLoop) return;
    this.cameraStatus = 'scanning';
    this.torchSupported = this.session.torchSupported;
    this.announce('Point the camera at the QR code.');
    this.runFrames();
    const cameras = await this.session.listCameras();
    this.canSwitchCamera = cameras.length > 1;
    this.host.requestUpdate();
  }

  private runFrames(): void {
    const loop = ++this.frameLoop;
    const next = async (): Promise<void> => {
      if (loop !== this.frameLoop) return;
      await this.scanFrame();
      if (loop === this.frameLoop) {
        this.frameTimer = setTimeout(() => void next(), FRAME_GAP_MS);
      }
    };
    void next();
  }

  private async scanFrame(): Promise<void> {
    const video = this.video;
    if (video === null || video.readyState < video.HAVE_CURRENT_DATA) return;
    try {
      const frame = this.pixels.read(
        video,
        video.videoWidth,
        video.videoHeight,
      );
      const text = await decodeQr(frame);
      if (text !== null && this.cameraStatus === 'scanning') {
        this.readText(text);
      }
    } catch (error) {
      this.stopCamera();
      this.fail(error);
    }
  }

  private readonly onVisibilityChange = (): void => {
    if (document.hidden && this.cameraStatus !== 'stopped') {
      this.stopCamera('paused');
      this.announce('Camera paused while the app is hidden.');
    } else if (!document.hidden && this.cameraStatus === 'paused') {
      void this.startCamera();
    }
  };

  private fail(error: unknown): void {
    if (
      error instanceof ScanError &&
      error.code === ScanErrorCode.CameraUnsupported
    ) {
      this.canStartCamera = false;
    }
    const message =
      error instanceof ScanError
        ? describeScanError(error.code)
        : describeError(error);
    this.problem = { message };
    this.announce('');
  }

  private announce(sentence: string): void {
    this.announcement = sentence;
    this.host.requestUpdate();
  }
}
