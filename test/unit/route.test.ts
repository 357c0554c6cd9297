import { describe, expect, it } from 'vitest';

import { isLinkPath, routeFor } from '../../src/app/route.js';
import { LinkError } from '../../src/link/parse-link.js';

const origin = 'https://pwa.example';

function route(path: string): ReturnType<typeof routeFor> {
  return routeFor(new URL(path, origin));
}

describe('routeFor', () => {
  it('routes root to home', () => {
    expect(route('/')).toEqual({ name: 'home' });
  });

  it('routes setup to setup', () => {
    expect(route('/setup')).toEqual({ name: 'setup' });
  });

  it('routes unknown path to home', () => {
    expect(route('/codes/next')).toEqual({ name: 'home' });
  });

  it('ignores link keys off link paths', () => {
    expect(route('/?siteid=acme-01')).toEqual({ name: 'home' });
  });

  it('routes activate query to link', () => {
    const result = route(
      '/activate?siteid=acme-01&username=alice&code=4825930167',
    );

    expect(result).toEqual({
      name: 'link',
      link: {
        kind: 'provision',
        siteId: 'acme-01',
        username: 'alice',
        code: '4825930167',
      },
    });
  });

  it('routes nested web+swivel link', () => {
    const nested = encodeURIComponent('web+swivel://smc/provision/4825930167');

    const result = route(`/activate?link=${nested}`);

    expect(result).toEqual({
      name: 'link',
      link: { kind: 'provision', code: '4825930167' },
    });
  });

  it('routes complete path to link', () => {
    const result = route('/smc/complete/acme-01/alice/4825930167');

    expect(result).toEqual({
      name: 'link',
      link: {
        kind: 'provision',
        siteId: 'acme-01',
        username: 'alice',
        code: '4825930167',
      },
    });
  });

  it('routes getsettings path to link', () => {
    const result = route('/smc/getsettings/acme-01');

    expect(result).toEqual({
      name: 'link',
      link: { kind: 'provision', siteId: 'acme-01' },
    });
  });

  it('routes provision path to link', () => {
    const result = route('/smc/provision/4825930167');

    expect(result).toEqual({
      name: 'link',
      link: { kind: 'provision', code: '4825930167' },
    });
  });

  it('routes activate without fields to bad-link', () => {
    const result = route('/activate');

    expect(result.name).toBe('bad-link');
  });

  it('carries LinkError in bad-link', () => {
    const result = route('/activate?link=hello');

    expect(result.name).toBe('bad-link');
    expect(result).toHaveProperty('error', expect.any(LinkError));
  });

  it('routes broken encoding to bad-link', () => {
    const result = route('/smc/complete/acme/%E0%A4%A/1234');

    expect(result.name).toBe('bad-link');
  });

  it('routes unknown smc form to bad-link', () => {
    const result = route('/smc/reset/acme-01');

    expect(result.name).toBe('bad-link');
  });
});

describe('isLinkPath', () => {
  for (const path of [
    '/activate',
    '/Activate',
    '/activate/',
    '/activate/x',
    '/smc/complete/a/b/c',
    '/SMC/provision/1',
  ]) {
    it(`accepts ${path}`, () => {
      expect(isLinkPath(path)).toBe(true);
    });
  }

  for (const path of [
    '/',
    '/setup',
    '/activated',
    '/smcx/complete',
    '/docs/smc/',
  ]) {
    it(`rejects ${path}`, () => {
      expect(isLinkPath(path)).toBe(false);
    });
  }
});
