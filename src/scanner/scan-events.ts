import type { ProvisionLink } from '../link/parse-link.js';

/** Fired once when the scanner has read an Activate URL, after its dialog has closed. */
export class ScanFoundEvent extends Event {
  static readonly eventName = 'scan-found';

  constructor(readonly link: ProvisionLink) {
    super(ScanFoundEvent.eventName, { bubbles: true, composed: true });
  }
}

/** Fired when the user closes the scanner without a code. */
export class ScanCloseEvent extends Event {
  static readonly eventName = 'scan-close';

  constructor() {
    super(ScanCloseEvent.eventName, { bubbles: true, composed: true });
  }
}

declare global {
  interface HTMLElementEventMap {
    [ScanFoundEvent.eventName]: ScanFoundEvent;
    [ScanCloseEvent.eventName]: ScanCloseEvent;
  }
}
