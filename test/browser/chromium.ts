/** Where Debian's `chromium` package installs the browser. */
export const DEBIAN_CHROMIUM = '/usr/bin/chromium';

/**
 * Flags for headless Chromium in a sandboxed machine with no network but
 * loopback. The background-networking flags stop Chromium from trying hosts
 * it cannot reach.
 */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Returns the Chromium to drive: `CHROMIUM_PATH`, or Debian's. */
export function chromiumPath(): string {
  return process.env.CHROMIUM_PATH ?? DEBIAN_CHROMIUM;
}
