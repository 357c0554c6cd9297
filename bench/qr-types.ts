// Types shared by the QR bench in Node (`qr.ts`) and its page in Chromium
// (`qr-page/main.ts`).

/** The decoders the bench can compare: the app's own, or @zxing/browser's. */
export type Engine = 'app' | 'zxing-browser';

/** The changes the bench makes to an image before decoding it. */
export interface Transform {
  /** Clockwise turn: 0, 90, 180 or 270. */
  readonly degrees: number;
  /** Swaps light and dark, making a light-on-dark code. */
  readonly invert: boolean;
  /** Flips the image left to right. */
  readonly mirror: boolean;
}

/** One decoded image: its text, or null, and the milliseconds decoding took. */
export interface BenchResult {
  readonly text: string | null;
  readonly ms: number;
}

declare global {
  interface Window {
    /** Decodes a Base64 image after applying `transform` to it. */
    benchDecode(
      engine: Engine,
      base64: string,
      type: string,
      transform: Transform,
    ): Promise<BenchResult>;
    /** Settles once the WebAssembly decoder has loaded. */
    benchReady: Promise<void>;
  }
}
