import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

import { defineConfig } from 'vite';
import { VitePWA } from 'vite-plugin-pwa';

/**
 * Returns the build id: `BUILD_ID` when set, else the git commit, else the
 * build time, so that two builds of different code show different versions.
 */
function buildId(): string {
  if (process.env.BUILD_ID) return process.env.BUILD_ID;
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
  } catch {
    return new Date().toISOString().replace(/\D/g, '').slice(0, 12);
  }
}

const packageVersion = (
  JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }
).version;

export default defineConfig({
  define: {
    __APP_VERSION__: JSON.stringify(`${packageVersion}+${buildId()}`),
  },
  build: {
    target: 'es2022',
    sourcemap: true,
  },
  plugins: [
    VitePWA({
      strategies: 'injectManifest',
      srcDir: 'src',
      filename: 'sw.ts',
      injectRegister: false,
      registerType: 'prompt',
      injectManifest: {
        // The QR decoder's .wasm (about 0.9 MB) is left out: every install
        // would download it, though only the scanner uses it and provisioning
        // needs the network anyway. It is fetched when the scanner first
        // opens and then kept by the HTTP cache.
        globPatterns: ['**/*.{js,css,html,svg,png,ico,txt}'],
        globIgnores: ['**/*.map'],
      },
      manifest: {
        id: '/',
        name: 'Swivel Codes',
        short_name: 'Swivel Codes',
        description:
          'Swivel Secure security strings and one-time codes on this device, online and offline.',
        start_url: '/',
        scope: '/',
        display: 'standalone',
        theme_color: '#0b5394',
        background_color: '#f3f5f8',
        shortcuts: [
          {
            name: 'Show my code',
            short_name: 'Code',
            description: 'Open the current security string',
            url: '/codes',
            icons: [
              { src: '/icon-192.png', sizes: '192x192', type: 'image/png' },
            ],
          },
        ],
        // A web+swivel: link arrives as /activate?link=<the whole link>,
        // which the link parser unwraps.
        protocol_handlers: [
          { protocol: 'web+swivel', url: '/activate?link=%s' },
        ],
        // An Activate URL opened while the app is open reuses its window.
        launch_handler: { client_mode: ['navigate-existing', 'auto'] },
        // Text or a link shared to the app opens /activate?title=…&text=…&url=…,
        // where the link parser reads the Activate URL from `url` or `text`.
        share_target: {
          action: '/activate',
          method: 'GET',
          enctype: 'application/x-www-form-urlencoded',
          params: { title: 'title', text: 'text', url: 'url' },
        },
        icons: [
          { src: '/icon-192.png', sizes: '192x192', type: 'image/png' },
          { src: '/icon-512.png', sizes: '512x512', type: 'image/png' },
          {
            src: '/icon-512-maskable.png',
            sizes: '512x512',
            type: 'image/png',
            purpose: 'maskable',
          },
        ],
      },
    }),
  ],
});
