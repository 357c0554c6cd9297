import { ScanError, ScanErrorCode } from './scan-error.js';

/** The `localStorage` key of the camera the user last switched to. */
const CAMERA_KEY = 'swivel-camera';

/**
 * Frame size to request. Many cameras default to 640x480, where a QR code
 * across the room is too few pixels to read. As an `ideal`, 720p is used where
 * the camera offers it, and the closest size where not.
 */
const FRAME_SIZE = { width: { ideal: 1280 }, height: { ideal: 720 } };

/** The parts of `Storage` the session uses to remember the camera. */
export type CameraStorage = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;

/** Torch fields that browsers with torch control add to the track types. */
interface TorchCapabilities extends MediaTrackCapabilities {
  torch?: boolean;
}
interface TorchConstraintSet extends MediaTrackConstraintSet {
  torch?: boolean;
}

/**
 * One camera stream: starts it with the back camera preferred or the camera
 * the user chose last, switches cameras, controls the torch, and stops every
 * track. A `stop()` while `start()` waits for the camera makes that start
 * stop its stream as soon as it arrives and resolve to null.
 */
export class CameraSession {
  private readonly mediaDevices: MediaDevices | undefined;
  private readonly storage: CameraStorage | undefined;
  private stream: MediaStream | null = null;
  /** Incremented by every start and stop, so that a start can tell it was superseded. */
  private generation = 0;

  constructor(
    options: { mediaDevices?: MediaDevices; storage?: CameraStorage } = {},
  ) {
    this.mediaDevices =
      options.mediaDevices ?? globalThis.navigator?.mediaDevices;
    this.storage = options.storage ?? safeLocalStorage();
  }

  /** The video track of the running stream, or null. */
  get track(): MediaStreamTrack | null {
    return this.stream?.getVideoTracks()[0] ?? null;
  }

  /** Whether the running camera can turn its torch on. */
  get torchSupported(): boolean {
    const capabilities = this.track?.getCapabilities?.() as
      TorchCapabilities | undefined;
    return capabilities?.torch === true;
  }

  /**
   * Starts the camera, stopping any stream this session already runs.
   * Resolves to the stream, or to null when `stop()` was called first.
   *
   * @throws ScanError with a camera code when the browser has no camera API,
   *   the permission is denied, or no camera can start.
   */
  async start(): Promise<MediaStream | null> {
    const mediaDevices = this.mediaDevices;
    if (typeof mediaDevices?.getUserMedia !== 'function') {
      throw new ScanError(
        ScanErrorCode.CameraUnsupported,
        'navigator.mediaDevices.getUserMedia is not available.',
      );
    }
    this.stop();
    const generation = this.generation;
    const stream = await this.open(mediaDevices);
    if (generation !== this.generation) {
      stopTracks(stream);
      return null;
    }
    this.stream = stream;
    return stream;
  }

  /** Stops every track of the running stream, and of a start still waiting for the camera. */
  stop(): void {
    this.generation++;
    if (this.stream !== null) stopTracks(this.stream);
    this.stream = null;
  }

  /**
   * Moves to the next camera, remembers it for the next scan, and starts it.
   * Resolves as {@link start} does.
   */
  async switchCamera(): Promise<MediaStream | null> {
    const cameras = await this.listCameras();
    const current = this.track?.getSettings().deviceId;
    const index = cameras.findIndex((camera) => camera.deviceId === current);
    const next = cameras[(index + 1) % cameras.length];
    if (next !== undefined) this.storage?.setItem(CAMERA_KEY, next.deviceId);
    return this.start();
  }

  /** Lists the cameras. Their ids and labels are empty until the user allows the camera. */
  async listCameras(): Promise<MediaDeviceInfo[]> {
    const devices = (await this.mediaDevices?.enumerateDevices()) ?? [];
    return devices.filter((device) => device.kind === 'videoinput');
  }

  /** Turns the torch on or off, where {@link torchSupported} is true. */
  async setTorch(on: boolean): Promise<void> {
    const torch: TorchConstraintSet = { torch: on };
    await this.track?.applyConstraints({ advanced: [torch] });
  }

  private async open(mediaDevices: MediaDevices): Promise<MediaStream> {
    const remembered = this.storage?.getItem(CAMERA_KEY) ?? null;
    try {
      return await mediaDevices.getUserMedia({
        audio: false,
        video:
          remembered === null
            ? { facingMode: { ideal: 'environment' }, ...FRAME_SIZE }
            : { deviceId: { exact: remembered }, ...FRAME_SIZE },
      });
    } catch (error) {
      if (remembered !== null && isMissingCamera(error)) {
        // The camera chosen last time is gone, so fall back to the back camera.
        this.storage?.removeItem(CAMERA_KEY);
        return this.open(mediaDevices);
      }
      throw toScanError(error);
    }
  }
}

function stopTracks(stream: MediaStream): void {
  for (const track of stream.getTracks()) track.stop();
}

function errorName(error: unknown): string {
  return error instanceof Error || error instanceof DOMException
    ? error.name
    : '';
}

function isMissingCamera(error: unknown): boolean {
  const name = errorName(error);
  return name === 'NotFoundError' || name === 'OverconstrainedError';
}

/** Maps a `getUserMedia` failure to a scanner error code by the error's name. */
function toScanError(error: unknown): ScanError {
  const codes: Readonly<Record<string, ScanErrorCode>> = {
    NotAllowedError: ScanErrorCode.CameraDenied,
    SecurityError: ScanErrorCode.CameraDenied,
    NotFoundError: ScanErrorCode.CameraNotFound,
    OverconstrainedError: ScanErrorCode.CameraNotFound,
    NotReadableError: ScanErrorCode.CameraInUse,
    AbortError: ScanErrorCode.CameraInUse,
  };
  const name = errorName(error);
  return new ScanError(
    codes[name] ?? ScanErrorCode.CameraFailed,
    `getUserMedia failed: ${name || String(error)}.`,
    { cause: error },
  );
}

/** Returns `localStorage`, or undefined where the browser blocks site data. */
function safeLocalStorage(): CameraStorage | undefined {
  try {
    return globalThis.localStorage;
  } catch {
    return undefined;
  }
}
