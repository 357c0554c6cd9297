// The page that `npm run bench:qr` drives in Chromium. It decodes one image
// at a time with the app's own decoding code, or with @zxing/browser for
// comparison, and reports the text and the time the decoding took.
import { BrowserQRCodeReader } from '@zxing/browser';
// @zxing/library is the peer dependency that contains @zxing/browser's decoder.
import { DecodeHintType } from '@zxing/library';

import { decodeQr } from '../../src/scanner/decode-qr.js';
import { readImage } from '../../src/scanner/read-image.js';
import type { Engine, Transform } from '../qr-types.js';

const zxingBrowser = new BrowserQRCodeReader(
  new Map([[DecodeHintType.TRY_HARDER, true]]),
);

async function decodeWithApp(image: Blob): Promise<string | null> {
  return decodeQr(await readImage(image));
}

async function decodeWithZxingBrowser(image: Blob): Promise<string | null> {
  const bitmap = await createImageBitmap(image);
  const canvas = document.createElement('canvas');
  canvas.width = bitmap.width;
  canvas.height = bitmap.height;
  canvas.getContext('2d')?.drawImage(bitmap, 0, 0);
  bitmap.close();
  try {
    return zxingBrowser.decodeFromCanvas(canvas).getText();
  } catch {
    return null;
  }
}

/** Returns the image with `transform` applied, as a lossless PNG. */
async function change(image: Blob, transform: Transform): Promise<Blob> {
  const { degrees, invert, mirror } = transform;
  if (degrees === 0 && !invert && !mirror) return image;
  const bitmap = await createImageBitmap(image);
  const quarter = degrees % 180 !== 0;
  const canvas = new OffscreenCanvas(
    quarter ? bitmap.height : bitmap.width,
    quarter ? bitmap.width : bitmap.height,
  );
  const context = canvas.getContext('2d');
  if (context === null) throw new Error('No 2D canvas is available.');
  context.filter = invert ? 'invert(1)' : 'none';
  context.translate(canvas.width / 2, canvas.height / 2);
  context.rotate((degrees * Math.PI) / 180);
  context.scale(mirror ? -1 : 1, 1);
  context.drawImage(bitmap, -bitmap.width / 2, -bitmap.height / 2);
  bitmap.close();
  return canvas.convertToBlob({ type: 'image/png' });
}

function fromBase64(base64: string, type: string): Blob {
  const bytes = Uint8Array.from(atob(base64), (char) => char.charCodeAt(0));
  return new Blob([bytes], { type });
}

const DECODERS: Readonly<
  Record<Engine, (image: Blob) => Promise<string | null>>
> = { app: decodeWithApp, 'zxing-browser': decodeWithZxingBrowser };

window.benchDecode = async (engine, base64, type, transform) => {
  const image = await change(fromBase64(base64, type), transform);
  const decode = DECODERS[engine];
  const start = performance.now();
  const text = await decode(image);
  return { text, ms: performance.now() - start };
};

// Loads the WebAssembly module before the first timed image.
window.benchReady = decodeQr(new ImageData(8, 8)).then(() => undefined);
