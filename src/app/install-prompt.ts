/** The `beforeinstallprompt` event, which only Chromium-based browsers fire. */
interface BeforeInstallPromptEvent extends Event {
  prompt(): Promise<void>;
  readonly userChoice: Promise<{ outcome: 'accepted' | 'dismissed' }>;
}

/** Fired when installation becomes possible or stops being possible. */
export class InstallStateEvent extends Event {
  static readonly eventName = 'install-state';

  constructor() {
    super(InstallStateEvent.eventName);
  }
}

/**
 * Tracks whether the browser offers to install the app. It keeps the
 * `beforeinstallprompt` event so that an install button can show the
 * browser's own dialog, and drops it once the app is installed.
 *
 * @fires install-state - `canInstall` or `installed` changed.
 */
export class InstallPrompt extends EventTarget {
  private deferred: BeforeInstallPromptEvent | null = null;
  /** Whether the app runs as an installed app, or was installed from this page. */
  installed = matchMedia('(display-mode: standalone)').matches;

  constructor() {
    super();
    window.addEventListener('beforeinstallprompt', (event) => {
      event.preventDefault();
      this.deferred = event as BeforeInstallPromptEvent;
      this.dispatchEvent(new InstallStateEvent());
    });
    window.addEventListener('appinstalled', () => {
      this.deferred = null;
      this.installed = true;
      this.dispatchEvent(new InstallStateEvent());
    });
  }

  /** Whether the browser's install dialog can be shown now. */
  get canInstall(): boolean {
    return this.deferred !== null && !this.installed;
  }

  /** Shows the browser's install dialog; the browser allows it once per offer. */
  async install(): Promise<void> {
    const deferred = this.deferred;
    if (deferred === null) return;
    this.deferred = null;
    await deferred.prompt();
    await deferred.userChoice;
    this.dispatchEvent(new InstallStateEvent());
  }
}

/** Returns install steps for browsers that offer no install dialog. */
export function installInstructions(userAgent = navigator.userAgent): string {
  if (/iPhone|iPad|iPod/.test(userAgent)) {
    return 'On iPhone or iPad: open this page in Safari, tap Share, then Add to Home Screen.';
  }
  if (/Android/.test(userAgent)) {
    return 'On Android: open the browser menu and tap Install app or Add to Home screen.';
  }
  return 'On a computer: use the install icon in the address bar of Chrome or Edge, or the browser menu\u2019s Install option.';
}
