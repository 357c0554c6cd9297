import { describe, expect, it } from 'vitest';

import {
  CameraSession,
  type CameraStorage,
} from '../../src/scanner/camera-session.js';
import { ScanError, ScanErrorCode } from '../../src/scanner/scan-error.js';

/** A camera track that records whether it was stopped. */
class FakeTrack {
  readonly deviceId: string;
  readyState: 'live' | 'ended' = 'live';
  applied: MediaTrackConstraints[] = [];
  private readonly capabilities: Record<string, unknown>;

  constructor(deviceId: string, capabilities: Record<string, unknown> = {}) {
    this.deviceId = deviceId;
    this.capabilities = capabilities;
  }

  stop(): void {
    this.readyState = 'ended';
  }

  getCapabilities(): Record<string, unknown> {
    return this.capabilities;
  }

  getSettings(): { deviceId: string } {
    return { deviceId: this.deviceId };
  }

  async applyConstraints(constraints: MediaTrackConstraints): Promise<void> {
    this.applied.push(constraints);
  }
}

function fakeStream(track: FakeTrack): MediaStream {
  return {
    getTracks: () => [track],
    getVideoTracks: () => [track],
  } as unknown as MediaStream;
}

/** Fake `navigator.mediaDevices` with two cameras, `back` and `front`. */
class FakeMediaDevices {
  requests: MediaStreamConstraints[] = [];
  tracks: FakeTrack[] = [];
  /** When set, getUserMedia waits for this before it resolves. */
  gate: Promise<void> | null = null;
  failure: Error | null = null;
  missing = new Set<string>();
  capabilities: Record<string, unknown> = {};

  async getUserMedia(
    constraints: MediaStreamConstraints,
  ): Promise<MediaStream> {
    this.requests.push(constraints);
    const video = constraints.video as MediaTrackConstraints;
    const exact = (video.deviceId as { exact?: string } | undefined)?.exact;
    if (exact !== undefined && this.missing.has(exact)) {
      throw new DOMException('No such camera.', 'OverconstrainedError');
    }
    if (this.failure !== null) throw this.failure;
    await this.gate;
    const track = new FakeTrack(exact ?? 'back', this.capabilities);
    this.tracks.push(track);
    return fakeStream(track);
  }

  async enumerateDevices(): Promise<MediaDeviceInfo[]> {
    return [
      { kind: 'audioinput', deviceId: 'mic' },
      { kind: 'videoinput', deviceId: 'back' },
      { kind: 'videoinput', deviceId: 'front' },
    ] as MediaDeviceInfo[];
  }
}

function memoryStorage(): CameraStorage & { items: Map<string, string> } {
  const items = new Map<string, string>();
  return {
    items,
    getItem: (key) => items.get(key) ?? null,
    setItem: (key, value) => void items.set(key, value),
    removeItem: (key) => void items.delete(key),
  };
}

function session(devices: FakeMediaDevices, storage = memoryStorage()) {
  return new CameraSession({
    mediaDevices: devices as unknown as MediaDevices,
    storage,
  });
}

async function startError(camera: CameraSession): Promise<unknown> {
  return camera.start().then(
    () => null,
    (error: unknown) => error,
  );
}

describe('CameraSession', () => {
  it('asks for the back camera at 720p', async () => {
    const devices = new FakeMediaDevices();

    await session(devices).start();

    expect(devices.requests[0]).toEqual({
      audio: false,
      video: {
        facingMode: { ideal: 'environment' },
        width: { ideal: 1280 },
        height: { ideal: 720 },
      },
    });
  });

  it('stop ends every track', async () => {
    const devices = new FakeMediaDevices();
    const camera = session(devices);
    await camera.start();

    camera.stop();

    expect(devices.tracks.map((track) => track.readyState)).toEqual(['ended']);
    expect(camera.track).toBeNull();
  });

  it('stop before the stream starts ends it on arrival', async () => {
    const devices = new FakeMediaDevices();
    let release = (): void => undefined;
    devices.gate = new Promise((resolve) => (release = resolve));
    const camera = session(devices);

    const starting = camera.start();
    camera.stop();
    release();

    await expect(starting).resolves.toBeNull();
    expect(devices.tracks.map((track) => track.readyState)).toEqual(['ended']);
    expect(camera.track).toBeNull();
  });

  it('start again stops the previous stream', async () => {
    const devices = new FakeMediaDevices();
    const camera = session(devices);
    await camera.start();

    await camera.start();

    expect(devices.tracks.map((track) => track.readyState)).toEqual([
      'ended',
      'live',
    ]);
  });

  it('switch moves to the next camera and remembers it', async () => {
    const devices = new FakeMediaDevices();
    const storage = memoryStorage();
    const camera = session(devices, storage);
    await camera.start();

    await camera.switchCamera();

    expect(camera.track?.getSettings().deviceId).toBe('front');
    expect(storage.items.get('swivel-camera')).toBe('front');
    expect(devices.tracks[0]?.readyState).toBe('ended');
  });

  it('next scan opens the remembered camera', async () => {
    const devices = new FakeMediaDevices();
    const storage = memoryStorage();
    storage.setItem('swivel-camera', 'front');

    await session(devices, storage).start();

    expect(devices.requests[0]?.video).toMatchObject({
      deviceId: { exact: 'front' },
    });
  });

  it('missing remembered camera falls back to the back camera', async () => {
    const devices = new FakeMediaDevices();
    devices.missing.add('gone');
    const storage = memoryStorage();
    storage.setItem('swivel-camera', 'gone');

    const stream = await session(devices, storage).start();

    expect(stream).not.toBeNull();
    expect(devices.requests[1]?.video).toMatchObject({
      facingMode: { ideal: 'environment' },
    });
    expect(storage.items.has('swivel-camera')).toBe(false);
  });

  it('reports torch support from the track', async () => {
    const devices = new FakeMediaDevices();
    devices.capabilities = { torch: true };
    const camera = session(devices);
    await camera.start();

    await camera.setTorch(true);

    expect(camera.torchSupported).toBe(true);
    expect(devices.tracks[0]?.applied).toEqual([
      { advanced: [{ torch: true }] },
    ]);
  });

  it('reports no torch when the track lacks one', async () => {
    const camera = session(new FakeMediaDevices());

    await camera.start();

    expect(camera.torchSupported).toBe(false);
  });

  it('missing mediaDevices is unsupported', async () => {
    const camera = new CameraSession({
      mediaDevices: {} as MediaDevices,
      storage: memoryStorage(),
    });

    const error = await startError(camera);

    expect(error).toBeInstanceOf(ScanError);
    expect((error as ScanError).code).toBe(ScanErrorCode.CameraUnsupported);
  });

  it.each([
    ['NotAllowedError', ScanErrorCode.CameraDenied],
    ['SecurityError', ScanErrorCode.CameraDenied],
    ['NotFoundError', ScanErrorCode.CameraNotFound],
    ['NotReadableError', ScanErrorCode.CameraInUse],
    ['TypeError', ScanErrorCode.CameraFailed],
  ])('%s maps to %s', async (name, code) => {
    const devices = new FakeMediaDevices();
    devices.failure = new DOMException('Camera failed.', name);

    const error = await startError(session(devices));

    expect((error as ScanError).code).toBe(code);
  });
});
