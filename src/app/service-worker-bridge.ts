import { Workbox } from 'workbox-window';

import { UpdateWaitingEvent } from './update-waiting-event.js';

/** How often an open app checks for a new version, in milliseconds. */
const UPDATE_CHECK_INTERVAL_MS = 60 * 60 * 1000;

/**
 * The page's one link to the service worker lifecycle. It registers the
 * worker, checks for new versions when the app becomes visible and every
 * hour, reports a waiting version with {@link UpdateWaitingEvent}, and
 * activates it on request with exactly one reload. It never touches the
 * vault: an update changes the app, not the stored strings.
 *
 * @fires update-waiting - A new version is installed and waiting.
 */
export class ServiceWorkerBridge extends EventTarget {
  private readonly workbox: Workbox | null;
  private reloading = false;

  constructor(scriptUrl = '/sw.js') {
    super();
    this.workbox =
      'serviceWorker' in navigator
        ? new Workbox(scriptUrl, { scope: '/' })
        : null;
  }

  /** Registers the worker; failures are logged, since the app works without it. */
  async register(): Promise<void> {
    const workbox = this.workbox;
    if (workbox === null) return;
    workbox.addEventListener('waiting', () => {
      this.dispatchEvent(new UpdateWaitingEvent());
    });
    try {
      await workbox.register();
    } catch (error) {
      console.error('swivel-app: service worker registration failed', error);
      return;
    }
    document.addEventListener('visibilitychange', () => {
      if (document.visibilityState === 'visible') void this.checkForUpdate();
    });
    setInterval(() => void this.checkForUpdate(), UPDATE_CHECK_INTERVAL_MS);
  }

  /** Asks the browser to look for a new version of the worker now. */
  async checkForUpdate(): Promise<void> {
    try {
      await this.workbox?.update();
    } catch (error) {
      // Offline or the server is down: the next check tries again.
      console.info('swivel-app: update check failed', error);
    }
  }

  /**
   * Activates the waiting version. The page reloads once, when the new
   * worker takes control, so the new code runs with the same stored strings.
   */
  applyUpdate(): void {
    const workbox = this.workbox;
    if (workbox === null) return;
    workbox.addEventListener('controlling', () => {
      if (this.reloading) return;
      this.reloading = true;
      location.reload();
    });
    workbox.messageSkipWaiting();
  }
}
