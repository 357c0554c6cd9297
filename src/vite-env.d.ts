/// <reference types="vite/client" />

interface ImportMetaEnv {
  /** Base URL of the Swivel directory (SSD); the app's own origin when empty. */
  readonly VITE_SSD_URL?: string;
}

/** The app's version: package version and build id, set by vite.config.ts. */
declare const __APP_VERSION__: string;
