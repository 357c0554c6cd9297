import { ScanError, ScanErrorCode } from './scan-error.js';

/**
 * Maximum length, in pixels, of an image's longer side. Larger images are
 * scaled down to it before decoding, because a 12-megapixel photo takes about
 * 48 MB as RGBA pixels. At 2048 pixels, a QR code that fills a tenth of the
 * photo's width is still about 200 pixels wide, enough for the decoder.
 */
const MAX_SIDE = 2048;

/**
 * Copies the pixels of images or video frames through one reusable canvas,
 * scaled down to at most {@link MAX_SIDE} pixels on the longest side.
 */
export class PixelReader {
  private canvas: OffscreenCanvas | null = null;

  /** Draws `source`, whose natural size is `width` by `height`, and returns its pixels. */
  read(source: CanvasImageSource, width: number, height: number): ImageData {
    const scale = Math.min(1, MAX_SIDE / Math.max(width, height));
    const context = this.context(
      Math.max(1, Math.round(width * scale)),
      Math.max(1, Math.round(height * scale)),
    );
    const { width: drawnWidth, height: drawnHeight } = context.canvas;
    context.drawImage(source, 0, 0, drawnWidth, drawnHeight);
    return context.getImageData(0, 0, drawnWidth, drawnHeight);
  }

  private context(
    width: number,
    height: number,
  ): OffscreenCanvasRenderingContext2D {
    if (this.canvas === null) this.canvas = new OffscreenCanvas(width, height);
    if (this.canvas.width !== width) this.canvas.width = width;
    if (this.canvas.height !== height) this.canvas.height = height;
    const context = this.canvas.getContext('2d', { willReadFrequently: true });
    if (context === null) {
      throw new Error('This browser gives no 2D canvas to read pixels.');
    }
    return context;
  }
}

/**
 * Opens an image file or blob with the browser's own image decoders and
 * returns its pixels, scaled down as {@link PixelReader} does.
 *
 * @throws ScanError with code `NotAnImage` when the browser cannot open the
 *   blob as an image.
 */
export async function readImage(blob: Blob): Promise<ImageData> {
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(blob);
  } catch (error) {
    throw new ScanError(
      ScanErrorCode.NotAnImage,
      `The browser could not open the ${blob.type || 'file'} as an image.`,
      { cause: error },
    );
  }
  try {
    return new PixelReader().read(bitmap, bitmap.width, bitmap.height);
  } finally {
    bitmap.close();
  }
}
