import { ServiceWorkerBridge } from './app/service-worker-bridge.js';

/**
 * Creates and registers the app's service worker bridge, which precaches the
 * app shell so every screen and link route loads offline.
 */
export function registerServiceWorker(): ServiceWorkerBridge {
  const bridge = new ServiceWorkerBridge();
  void bridge.register();
  return bridge;
}
