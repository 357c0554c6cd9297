// Renders public/icon.svg into the PNG icons the manifest lists, using
// Debian's Chromium through Playwright. Run it after changing the SVG:
//   node scripts/draw-icons.mjs
import { readFile, writeFile } from 'node:fs/promises';

import { chromium } from '@playwright/test';

const svg = await readFile(
  new URL('../public/icon.svg', import.meta.url),
  'utf8',
);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu'],
});
const page = await browser.newPage();

/**
 * Draws the SVG at `size` pixels. A maskable icon keeps its content inside
 * the central 80% safe zone and fills the rest with the background colour.
 */
async function draw(size, file, { maskable = false } = {}) {
  const inset = maskable ? Math.round(size * 0.1) : 0;
  await page.setViewportSize({ width: size, height: size });
  await page.setContent(`<!doctype html>
    <body style="margin:0;background:${maskable ? '#0b5394' : 'transparent'}">
      <div style="padding:${inset}px;width:${size - 2 * inset}px;height:${size - 2 * inset}px">
        ${svg.replace('<svg ', '<svg width="100%" height="100%" ')}
      </div>
    </body>`);
  const png = await page.screenshot({ omitBackground: !maskable });
  await writeFile(new URL(`../public/${file}`, import.meta.url), png);
}

await draw(192, 'icon-192.png');
await draw(512, 'icon-512.png');
await draw(512, 'icon-512-maskable.png', { maskable: true });
await browser.close();
