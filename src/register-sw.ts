import { Workbox } from 'workbox-window';

/**
 * Registers the service worker that precaches the app shell, so every screen
 * and link route loads offline. Registration waits for the page load so it
 * does not compete with the first render.
 */
export function registerServiceWorker(): void {
  if (!('serviceWorker' in navigator)) return;
  const workbox = new Workbox('/sw.js', { scope: '/' });
  void workbox.register().catch((error: unknown) => {
    console.error('swivel-app: service worker registration failed', error);
  });
}
