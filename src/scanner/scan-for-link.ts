// The entry of the scanner's lazily loaded chunk: the app imports it only
// when the user taps Scan QR code, so the first load does not include the
// scanner or its decoder.
import type { ProvisionLink } from '../link/parse-link.js';
import type { ProvisionInput } from '../provisioning/provision-device.js';
import type { ServerSettings } from '../protocol/server-settings.js';
import './qr-scanner.js';
import { ScanCloseEvent, ScanFoundEvent } from './scan-events.js';
import { provisionInputFor } from './scan-outcome.js';

/** Milliseconds the scanner stays in the page after a find, so that its announcement is read out. */
const ANNOUNCE_MS = 10_000;

/** An Activate URL read by the scanner. */
export interface ScannedLink {
  readonly link: ProvisionLink;
  /** The input to provision with at once, or null when fields are missing. */
  readonly input: ProvisionInput | null;
}

/**
 * Opens the scanner over the page and waits for it to close. Resolves to the
 * Activate URL read, or to null when the user closed the scanner. The camera
 * is off and the dialog closed by the time it resolves.
 *
 * @param knownServer The stored server, used for links without a Site ID.
 */
export function scanForLink(
  knownServer?: ServerSettings,
): Promise<ScannedLink | null> {
  const scanner = document.createElement('qr-scanner');
  return new Promise((resolve) => {
    const finish = (link: ProvisionLink | null): void => {
      // A found link stays announced a while after the dialog closed.
      setTimeout(() => scanner.remove(), link === null ? 0 : ANNOUNCE_MS);
      resolve(
        link === null
          ? null
          : { link, input: provisionInputFor(link, knownServer) },
      );
    };
    scanner.addEventListener(ScanFoundEvent.eventName, (event) =>
      finish(event.link),
    );
    scanner.addEventListener(ScanCloseEvent.eventName, () => finish(null));
    document.body.append(scanner);
  });
}
