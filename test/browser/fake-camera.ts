import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

import { type Browser, chromium, type Page } from '@playwright/test';
import QRCode from 'qrcode';

import { CHROMIUM_ARGS, chromiumPath } from './chromium.js';

const run = promisify(execFile);

/** How a test image or clip differs from a plain dark-on-light code. */
export interface CodeLook {
  /** Light modules on a dark background. */
  readonly invert?: boolean;
  /** Flipped left to right, as a selfie camera or a mirror shows it. */
  readonly mirror?: boolean;
}

/** Writes a PNG of the QR code of `text`. */
export async function writeQrImage(text: string, path: string): Promise<void> {
  await QRCode.toFile(path, text, { width: 360, margin: 4 });
}

/** Writes a copy of the image at `source` with the changes in `look`. */
export async function writeChangedImage(
  source: string,
  path: string,
  look: CodeLook,
): Promise<void> {
  await ffmpeg(['-i', source, '-vf', filters(look).join(','), path]);
}

/**
 * Writes a Y4M clip for Chromium's fake camera: one second at 10 frames a
 * second of the QR code of `text`, centred on a 640x480 white frame, with
 * the changes in `look`.
 */
export async function writeCameraClip(
  text: string,
  path: string,
  look: CodeLook = {},
): Promise<void> {
  const plain = `${path}.png`;
  await writeQrImage(text, plain);
  const vf = [
    'pad=640:480:(ow-iw)/2:(oh-ih)/2:white',
    ...filters(look),
    'format=yuv420p',
  ];
  const input = ['-loop', '1', '-framerate', '10', '-i', plain];
  await ffmpeg([...input, '-vf', vf.join(','), '-frames:v', '10', path]);
}

function filters(look: CodeLook): string[] {
  const list = ['null'];
  if (look.mirror === true) list.push('hflip');
  if (look.invert === true) list.push('negate');
  return list;
}

async function ffmpeg(args: readonly string[]): Promise<void> {
  try {
    await run('ffmpeg', ['-loglevel', 'error', '-y', ...args]);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    throw new Error(
      'ffmpeg was not found. The scanner tests make their fake camera clips with it: on Debian or Ubuntu run "sudo apt-get install -y ffmpeg".',
      { cause: error },
    );
  }
}

/** Launches Chromium with a fake camera that shows `clip` and grants the camera. */
export function launchWithCamera(clip: string): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath(),
    args: [
      ...CHROMIUM_ARGS,
      '--use-fake-ui-for-media-stream',
      '--use-fake-device-for-media-stream',
      `--use-file-for-fake-video-capture=${clip}`,
    ],
  });
}

/** What the page records about the camera streams it opened. */
interface CameraProbe {
  streams: MediaStream[];
  cameraRequests: number;
  openCamera: () => void;
  cameraGate: Promise<void> | undefined;
}

/**
 * Records every stream `getUserMedia` returns in the page. With `hold`, each
 * request waits until {@link releaseCamera}, so a test can act before the
 * stream starts.
 */
export async function recordCameraStreams(
  page: Page,
  hold = false,
): Promise<void> {
  await page.addInitScript((hold: boolean) => {
    const probe = window as unknown as CameraProbe;
    probe.streams = [];
    probe.cameraRequests = 0;
    probe.cameraGate = hold
      ? new Promise((resolve) => (probe.openCamera = resolve))
      : undefined;
    const mediaDevices = navigator.mediaDevices;
    const original = mediaDevices.getUserMedia.bind(mediaDevices);
    mediaDevices.getUserMedia = async (constraints) => {
      probe.cameraRequests++;
      await probe.cameraGate;
      const stream = await original(constraints);
      probe.streams.push(stream);
      return stream;
    };
  }, hold);
}

/** Lets camera requests held by {@link recordCameraStreams} go on. */
export async function releaseCamera(page: Page): Promise<void> {
  await page.evaluate(() => (window as unknown as CameraProbe).openCamera());
}

/** Counts the streams, their tracks and the tracks still live. */
export function cameraUse(
  page: Page,
): Promise<{ requests: number; streams: number; live: number }> {
  return page.evaluate(() => {
    const probe = window as unknown as CameraProbe;
    const tracks = probe.streams.flatMap((stream) => stream.getTracks());
    return {
      requests: probe.cameraRequests,
      streams: probe.streams.length,
      live: tracks.filter((track) => track.readyState === 'live').length,
    };
  });
}
