import { ScanError, ScanErrorCode } from './scan-error.js';

/**
 * Returns the first image on the clipboard, or else its text. The browser
 * may ask the user for permission first.
 *
 * @throws ScanError with code `ClipboardUnreadable` when the clipboard
 *   contains neither. The browser's own error passes through when it denies
 *   access.
 */
export async function readClipboard(): Promise<Blob | string> {
  const clipboard = globalThis.navigator?.clipboard;
  if (typeof clipboard?.read !== 'function') return readClipboardText();
  for (const item of await clipboard.read()) {
    const imageType = item.types.find((type) => type.startsWith('image/'));
    if (imageType !== undefined) return item.getType(imageType);
  }
  return readClipboardText();
}

async function readClipboardText(): Promise<string> {
  const text = (await globalThis.navigator?.clipboard?.readText()) ?? '';
  if (text.trim() === '') {
    throw new ScanError(
      ScanErrorCode.ClipboardUnreadable,
      'The clipboard holds no image and no text.',
    );
  }
  return text;
}
