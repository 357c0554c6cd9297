import { describe, expect, it } from 'vitest';

import {
  describeScanError,
  ScanErrorCode,
} from '../../src/scanner/scan-error.js';

const cameraCodes = [
  ScanErrorCode.CameraUnsupported,
  ScanErrorCode.CameraDenied,
  ScanErrorCode.CameraNotFound,
  ScanErrorCode.CameraInUse,
  ScanErrorCode.CameraFailed,
];

describe('describeScanError', () => {
  it.each(Object.values(ScanErrorCode))('%s has a title and detail', (code) => {
    const message = describeScanError(code);

    expect(message.title).not.toBe('');
    expect(message.detail).toMatch(/\.$/);
  });

  it.each(cameraCodes)('%s offers a way without the camera', (code) => {
    expect(describeScanError(code).detail).toContain(
      'choose a photo or screenshot of the QR code',
    );
  });
});
