// Decodes every `N.png` or `N.jpg` in the folders given, whose expected text
// is in `N.txt`, at 0°, 90°, 180° and 270°, inside Chromium with the app's own
// decoding code. For each rotation it prints how many decoded to exactly the
// expected text, and the median and 90th percentile milliseconds per image.
// Run with `npm run bench:qr -- DIR...`. Add `--engine zxing-browser` to
// measure @zxing/browser's decoder instead, and `--invert` or `--mirror` to
// swap light and dark or flip every image first.
import { readdir, readFile } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import { parseArgs } from 'node:util';

import { chromium, type Page } from '@playwright/test';
import { build } from 'vite';

import { CHROMIUM_ARGS, chromiumPath } from '../test/browser/chromium.js';
import type { BenchResult, Engine, Transform } from './qr-types.js';
import { serveFolder } from './serve-folder.js';

const ROOT = join(import.meta.dirname, '..', '..');
const PAGE_SOURCE = join(ROOT, 'bench', 'qr-page');
const PAGE_BUILD = join(ROOT, 'build', 'bench', 'qr-page');
const CHROMIUM = chromiumPath();
const ROTATIONS = [0, 90, 180, 270] as const;
const ENGINES: readonly Engine[] = ['app', 'zxing-browser'];
const IMAGE_TYPES: Readonly<Record<string, string>> = {
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
};
const USAGE =
  'Usage: npm run bench:qr -- [--engine app|zxing-browser] [--invert] [--mirror] DIR [DIR...]';

/** An image with the text its QR code contains. */
interface Sample {
  readonly folder: string;
  readonly name: string;
  readonly type: string;
  readonly base64: string;
  readonly expected: string;
}

/** The outcome of one sample at one rotation. */
interface Decoded {
  readonly sample: Sample;
  readonly degrees: number;
  readonly read: boolean;
  readonly ms: number;
}

function normaliseLineEndings(text: string): string {
  return text.replace(/\r\n?/g, '\n');
}

/** Lists the images in `folder` that have an expected text beside them. */
async function loadSamples(folder: string): Promise<Sample[]> {
  const names = await readdir(folder);
  const samples: Sample[] = [];
  for (const name of names.sort(byNumber)) {
    const type = IMAGE_TYPES[extname(name).toLowerCase()];
    const textName = `${basename(name, extname(name))}.txt`;
    if (type === undefined || !names.includes(textName)) continue;
    samples.push({
      folder,
      name,
      type,
      base64: (await readFile(join(folder, name))).toString('base64'),
      expected: await readFile(join(folder, textName), 'utf8'),
    });
  }
  return samples;
}

/**
 * Returns `folder` when it has samples, or else its subfolders that have, so
 * that a folder of photo sets can be named at once.
 */
async function sampleFolders(folder: string): Promise<string[]> {
  if ((await loadSamples(folder)).length > 0) return [folder];
  const entries = await readdir(folder, { withFileTypes: true });
  const found: string[] = [];
  for (const entry of entries.sort((a, b) => byNumber(a.name, b.name))) {
    const child = join(folder, entry.name);
    if (entry.isDirectory() && (await loadSamples(child)).length > 0) {
      found.push(child);
    }
  }
  return found;
}

function byNumber(a: string, b: string): number {
  return a.localeCompare(b, 'en', { numeric: true });
}

async function buildPage(): Promise<void> {
  await build({
    root: PAGE_SOURCE,
    configFile: false,
    logLevel: 'warn',
    build: {
      outDir: PAGE_BUILD,
      emptyOutDir: true,
      target: 'es2022',
      // @zxing/browser's decoder, kept for comparison, is one large chunk.
      chunkSizeWarningLimit: 1024,
    },
  });
}

/** The decoder to measure and the change made to every image first. */
interface Run {
  readonly engine: Engine;
  readonly invert: boolean;
  readonly mirror: boolean;
}

async function decodeAll(
  page: Page,
  run: Run,
  samples: readonly Sample[],
): Promise<Decoded[]> {
  await page.evaluate(() => window.benchReady);
  const decoded: Decoded[] = [];
  for (const degrees of ROTATIONS) {
    for (const sample of samples) {
      const transform: Transform = { ...run, degrees };
      const result: BenchResult = await page.evaluate(
        ([engine, base64, type, transform]) =>
          window.benchDecode(engine, base64, type, transform),
        [run.engine, sample.base64, sample.type, transform] as const,
      );
      const read =
        result.text !== null &&
        normaliseLineEndings(result.text) ===
          normaliseLineEndings(sample.expected);
      decoded.push({ sample, degrees, read, ms: result.ms });
    }
  }
  return decoded;
}

function percentile(sorted: readonly number[], fraction: number): number {
  const position = (sorted.length - 1) * fraction;
  const low = sorted[Math.floor(position)] ?? NaN;
  const high = sorted[Math.ceil(position)] ?? low;
  return low + (high - low) * (position - Math.floor(position));
}

function printTable(
  folders: readonly string[],
  decoded: readonly Decoded[],
): void {
  const header = ['rotation', ...folders.map((f) => basename(f)), 'total'];
  console.log([...header, 'median ms', 'p90 ms'].join('\t'));
  for (const degrees of ROTATIONS) {
    const atRotation = decoded.filter((entry) => entry.degrees === degrees);
    const counts = [...folders, null].map((folder) => {
      const inFolder = atRotation.filter(
        (entry) => folder === null || entry.sample.folder === folder,
      );
      return `${inFolder.filter((entry) => entry.read).length}/${inFolder.length}`;
    });
    const times = atRotation.map((entry) => entry.ms).sort((a, b) => a - b);
    console.log(
      [
        `${degrees}°`,
        ...counts,
        percentile(times, 0.5).toFixed(1),
        percentile(times, 0.9).toFixed(1),
      ].join('\t'),
    );
  }
}

function printMisses(decoded: readonly Decoded[]): void {
  const misses = new Map<string, number[]>();
  for (const entry of decoded) {
    if (entry.read) continue;
    const key = join(basename(entry.sample.folder), entry.sample.name);
    misses.set(key, [...(misses.get(key) ?? []), entry.degrees]);
  }
  for (const [image, degrees] of misses) {
    console.log(
      `not read: ${image} at ${degrees.map((d) => `${d}°`).join(', ')}`,
    );
  }
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      engine: { type: 'string', default: 'app' },
      invert: { type: 'boolean', default: false },
      mirror: { type: 'boolean', default: false },
    },
  });
  const engine = ENGINES.find((name) => name === values.engine);
  if (positionals.length === 0 || engine === undefined) {
    console.error(USAGE);
    process.exitCode = 2;
    return;
  }
  const folders = (await Promise.all(positionals.map(sampleFolders))).flat();
  const samples = (await Promise.all(folders.map(loadSamples))).flat();
  if (samples.length === 0) {
    console.error(
      `No N.png or N.jpg with an N.txt beside it in ${positionals.join(', ')}.`,
    );
    process.exitCode = 1;
    return;
  }

  await buildPage();
  const server = await serveFolder(PAGE_BUILD);
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: CHROMIUM_ARGS,
  });
  try {
    const page = await browser.newPage();
    await page.goto(server.url);
    const run = { engine, invert: values.invert, mirror: values.mirror };
    const decoded = await decodeAll(page, run, samples);
    console.log(
      `engine: ${engine}, ${samples.length} images` +
        `${run.invert ? ', inverted' : ''}${run.mirror ? ', mirrored' : ''}`,
    );
    printTable(folders, decoded);
    printMisses(decoded);
  } finally {
    await browser.close();
    await server.close();
  }
}

await main();
