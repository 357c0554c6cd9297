import { describe, expect, it } from 'vitest';

import { routeFor } from '../../src/app/route.js';

const ACTIVATE_URL =
  'https://auth.example.com/smc/complete/acme-01/alice/4825930167';

/** Builds the URL a browser opens for the manifest's GET share target. */
function shared(fields: { title?: string; text?: string; url?: string }): URL {
  const url = new URL('https://pwa.example/activate');
  url.searchParams.set('title', fields.title ?? '');
  url.searchParams.set('text', fields.text ?? '');
  url.searchParams.set('url', fields.url ?? '');
  return url;
}

const link = {
  name: 'link',
  link: {
    kind: 'provision',
    siteId: 'acme-01',
    username: 'alice',
    code: '4825930167',
  },
};

describe('share target', () => {
  it('reads a shared url', () => {
    expect(routeFor(shared({ title: 'Activate', url: ACTIVATE_URL }))).toEqual(
      link,
    );
  });

  it('reads a link shared as text', () => {
    expect(routeFor(shared({ text: ACTIVATE_URL }))).toEqual(link);
  });

  it('reports shared text that is no link', () => {
    const route = routeFor(shared({ text: 'hello' }));

    expect(route.name).toBe('bad-link');
  });
});
