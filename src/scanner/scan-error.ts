import type { UserMessage } from '../provisioning/messages.js';

/** Stable codes of scanner failures, for choosing the message shown to the user. */
export const ScanErrorCode = {
  /** The browser offers no `navigator.mediaDevices.getUserMedia` here. */
  CameraUnsupported: 'CAMERA_UNSUPPORTED',
  /** The user or a site setting denied the camera permission. */
  CameraDenied: 'CAMERA_DENIED',
  /** The device has no camera, or none that meets the request. */
  CameraNotFound: 'CAMERA_NOT_FOUND',
  /** The camera exists but another app or tab is using it. */
  CameraInUse: 'CAMERA_IN_USE',
  /** The camera failed to start for another reason. */
  CameraFailed: 'CAMERA_FAILED',
  /** The file or pasted item is not an image the browser can open. */
  NotAnImage: 'NOT_AN_IMAGE',
  /** The image has no QR code the decoder can read. */
  NoCodeInImage: 'NO_CODE_IN_IMAGE',
  /** The clipboard could not be read, or held neither an image nor text. */
  ClipboardUnreadable: 'CLIPBOARD_UNREADABLE',
  /** The WebAssembly decoder could not be fetched or started. */
  DecoderUnavailable: 'DECODER_UNAVAILABLE',
} as const;

export type ScanErrorCode = (typeof ScanErrorCode)[keyof typeof ScanErrorCode];

/** A failure of the camera, an image or the decoder, with a stable code. */
export class ScanError extends Error {
  override readonly name = 'ScanError';

  constructor(
    readonly code: ScanErrorCode,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** The other ways in, named in every camera message. */
const OTHER_WAYS =
  'You can still choose a photo or screenshot of the QR code, paste one, or drop one here.';

/**
 * Chooses the message the user sees for a scanner failure: what is wrong
 * and what to do next. Developer detail stays in `error.message`.
 */
export function describeScanError(code: ScanErrorCode): UserMessage {
  switch (code) {
    case ScanErrorCode.CameraUnsupported:
      return {
        title: 'No camera access in this browser',
        detail: `This browser gives web pages no camera here, as happens in some installed apps and on pages not served over HTTPS. ${OTHER_WAYS}`,
      };
    case ScanErrorCode.CameraDenied:
      return {
        title: 'Camera permission denied',
        detail: `Allow the camera for this site in the browser's site settings, then tap Start camera. ${OTHER_WAYS}`,
      };
    case ScanErrorCode.CameraNotFound:
      return {
        title: 'No camera found',
        detail: `This device has no camera the browser can use. ${OTHER_WAYS}`,
      };
    case ScanErrorCode.CameraInUse:
      return {
        title: 'Camera in use',
        detail: `Another app or tab is using the camera. Close it, then tap Start camera. ${OTHER_WAYS}`,
      };
    case ScanErrorCode.CameraFailed:
      return {
        title: 'Camera failed to start',
        detail: `Tap Start camera to try again. ${OTHER_WAYS}`,
      };
    case ScanErrorCode.NotAnImage:
      return {
        title: 'Not an image',
        detail:
          'The browser could not open this file as an image. Choose a PNG, JPEG or other photo or screenshot of the QR code.',
      };
    case ScanErrorCode.NoCodeInImage:
      return {
        title: 'No QR code found',
        detail:
          'The image has no QR code this app can read. Choose a sharper image that shows the whole code, with some space around it.',
      };
    case ScanErrorCode.ClipboardUnreadable:
      return {
        title: 'Nothing to paste',
        detail:
          'The clipboard holds no image or text the app may read. Copy the QR code image or the Activate URL, then paste with Ctrl+V (⌘V on a Mac), or choose an image instead.',
      };
    case ScanErrorCode.DecoderUnavailable:
      return {
        title: 'QR decoder not loaded',
        detail:
          'The app could not download its QR code decoder. Check that you are online, then try again.',
      };
  }
}
