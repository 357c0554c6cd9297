import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

import { afterEach, describe, expect, it } from 'vitest';

import { TestServers, testConfig } from './server-test-helpers.js';

const servers = new TestServers();
afterEach(() => servers.cleanUp());

/** The built app, which `npm test` builds before the unit tests run. */
const DIST_DIR = fileURLToPath(new URL('../../dist/', import.meta.url));
const SERVICE_WORKER = `${DIST_DIR}sw.js`;
const NOT_BUILT =
  'dist/sw.js is missing: run npm run build, then run this test again';

/** One entry of the precache manifest that the build injects into sw.js. */
interface PrecacheEntry {
  readonly url: string;
  readonly revision: string | null;
}

/**
 * Finds the precache manifest in the built service worker. The build
 * replaces `self.__WB_MANIFEST` with a JSON array of `{url, revision}`
 * objects, so every `[{"` is tried as the start of a JSON array, and the one
 * array whose items all are such objects is returned.
 *
 * @throws Error when no such array, or more than one, is found.
 */
function findPrecacheManifest(source: string): PrecacheEntry[] {
  const found: PrecacheEntry[][] = [];
  for (let start = source.indexOf('[{"'); start !== -1;) {
    const end = findArrayEnd(source, start);
    if (end !== -1) {
      const entries = parseEntries(source.slice(start, end + 1));
      if (entries !== undefined) found.push(entries);
    }
    start = source.indexOf('[{"', start + 1);
  }
  if (found.length !== 1 || found[0] === undefined) {
    throw new Error(
      `Expected one precache manifest in sw.js but found ${found.length}: check that the build injects self.__WB_MANIFEST.`,
    );
  }
  return found[0];
}

/** Returns the index of the `]` that closes the array at `start`, or -1. */
function findArrayEnd(source: string, start: number): number {
  let depth = 0;
  let inString = false;
  for (let index = start; index < source.length; index += 1) {
    const char = source[index];
    if (inString) {
      if (char === '\\') index += 1;
      else if (char === '"') inString = false;
    } else if (char === '"') {
      inString = true;
    } else if (char === '[' || char === '{') {
      depth += 1;
    } else if (char === ']' || char === '}') {
      depth -= 1;
      if (depth === 0) return index;
    }
  }
  return -1;
}

function parseEntries(text: string): PrecacheEntry[] | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!Array.isArray(value) || value.length === 0) return undefined;
  const isEntry = (item: unknown): item is PrecacheEntry =>
    typeof item === 'object' &&
    item !== null &&
    typeof (item as PrecacheEntry).url === 'string' &&
    ((item as PrecacheEntry).revision === null ||
      typeof (item as PrecacheEntry).revision === 'string');
  return value.every(isEntry) ? value : undefined;
}

describe('findPrecacheManifest', () => {
  it('finds the array among other code', () => {
    const source =
      'var a=[{"x":1}];K([{"revision":"ab12","url":"index.html"},{"revision":null,"url":"assets/a-1.js"}]);b([1,2]);';

    expect(findPrecacheManifest(source)).toEqual([
      { revision: 'ab12', url: 'index.html' },
      { revision: null, url: 'assets/a-1.js' },
    ]);
  });

  it('reads brackets inside strings', () => {
    const source = 'K([{"url":"a].js","revision":"[{"}]);';

    expect(findPrecacheManifest(source)).toEqual([
      { url: 'a].js', revision: '[{' },
    ]);
  });

  it('rejects a service worker without a manifest', () => {
    expect(() => findPrecacheManifest('K(self.__WB_MANIFEST);')).toThrow(
      /found 0/,
    );
  });
});

describe('built app', () => {
  async function startWithDist(): Promise<string> {
    return servers.start(testConfig({ staticDir: DIST_DIR }));
  }

  it('serves every precached URL', async (context) => {
    context.skip(!existsSync(SERVICE_WORKER), NOT_BUILT);
    const baseUrl = await startWithDist();
    const manifest = findPrecacheManifest(
      await readFile(SERVICE_WORKER, 'utf8'),
    );

    expect(manifest.map((entry) => entry.url)).toContain('index.html');
    for (const { url } of manifest) {
      const reply = await fetch(new URL(url, `${baseUrl}/`));
      await reply.arrayBuffer();
      expect(reply.status, url).toBe(200);
    }
  });

  it('serves robots.txt as text', async (context) => {
    context.skip(!existsSync(SERVICE_WORKER), NOT_BUILT);
    const baseUrl = await startWithDist();
    const expected = await readFile(`${DIST_DIR}robots.txt`, 'utf8');

    const reply = await fetch(`${baseUrl}/robots.txt`, {
      headers: { accept: 'text/html,*/*' },
    });

    expect(reply.status).toBe(200);
    expect(reply.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(await reply.text()).toBe(expected);
  });

  it('has no inline script in index.html', async (context) => {
    context.skip(!existsSync(SERVICE_WORKER), NOT_BUILT);
    const html = await readFile(`${DIST_DIR}index.html`, 'utf8');

    const scripts = html.match(/<script\b[^>]*>/gi) ?? [];
    const eventHandlers = html.match(/\son[a-z]+\s*=/gi) ?? [];

    expect(scripts.length).toBeGreaterThan(0);
    for (const tag of scripts) {
      expect(tag).toMatch(/\ssrc=/);
    }
    expect(eventHandlers).toEqual([]);
  });
});
