import { defineConfig } from 'vite';
import { VitePWA } from 'vite-plugin-pwa';

export default defineConfig({
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
