import {
  prepareZXingModule,
  purgeZXingModule,
  readBarcodes,
  type ReaderOptions,
  type ReadResult,
} from 'zxing-wasm/reader';
import wasmUrl from 'zxing-wasm/reader/zxing_reader.wasm?url';

import { ScanError, ScanErrorCode } from './scan-error.js';

/**
 * Reader settings for QR codes in photos and camera frames. `tryRotate`,
 * `tryInvert` and `tryDownscale` make ZXing-C++ also look at the image turned,
 * with light and dark swapped (light-on-dark codes) and scaled down. Mirrored
 * QR codes are read without an option. Halving from 200 pixels up, in place of
 * the default thirds from 500, also reads codes printed on coarse textures.
 * `Plain` text keeps control characters as they are in the code.
 */
const READER_OPTIONS: ReaderOptions = {
  formats: ['QRCode'],
  tryHarder: true,
  tryRotate: true,
  tryInvert: true,
  tryDownscale: true,
  downscaleFactor: 2,
  downscaleThreshold: 200,
  textMode: 'Plain',
};

// By default zxing-wasm fetches its .wasm from a CDN. Vite copies the file
// into the build, and `locateFile` points at that copy on the app's origin.
const MODULE_OVERRIDES = {
  locateFile: (path: string, prefix: string) =>
    path.endsWith('.wasm') ? wasmUrl : prefix + path,
};

prepareZXingModule({ overrides: MODULE_OVERRIDES });

/**
 * Fetches and starts the WebAssembly decoder, if it has not started yet.
 * Calling it early overlaps the download with starting the camera.
 *
 * @throws ScanError with code `DecoderUnavailable` when the module cannot be
 *   fetched or started, for example offline before its first use. The next
 *   call tries again.
 */
export async function loadDecoder(): Promise<void> {
  try {
    await prepareZXingModule({
      overrides: MODULE_OVERRIDES,
      fireImmediately: true,
    });
  } catch (error) {
    // zxing-wasm caches a failed load. Purging it makes the next call fetch again.
    purgeZXingModule();
    prepareZXingModule({ overrides: MODULE_OVERRIDES });
    throw new ScanError(
      ScanErrorCode.DecoderUnavailable,
      `The QR decoder could not be loaded from ${wasmUrl}.`,
      { cause: error },
    );
  }
}

/**
 * Decodes the QR codes in an image and returns the text of the largest, or
 * null when the image has no readable QR code.
 *
 * @throws ScanError with code `DecoderUnavailable` as {@link loadDecoder} does.
 */
export async function decodeQr(image: ImageData): Promise<string | null> {
  await loadDecoder();
  const results = await readBarcodes(image, READER_OPTIONS);
  return largest(results.filter((result) => result.isValid))?.text ?? null;
}

/**
 * Picks the code that covers the most of the image, because the code the
 * user aims at is nearer than others in view, and a small code printed
 * inside a larger one is not the one meant.
 */
function largest(results: readonly ReadResult[]): ReadResult | undefined {
  let best: ReadResult | undefined;
  for (const result of results) {
    if (best === undefined || area(result) > area(best)) best = result;
  }
  return best;
}

/** Returns the area of a code's outline, by the shoelace formula. */
function area({ position }: ReadResult): number {
  const corners = [
    position.topLeft,
    position.topRight,
    position.bottomRight,
    position.bottomLeft,
  ];
  let twice = 0;
  corners.forEach((corner, index) => {
    const next = corners[(index + 1) % corners.length] ?? corner;
    twice += corner.x * next.y - next.x * corner.y;
  });
  return Math.abs(twice) / 2;
}
