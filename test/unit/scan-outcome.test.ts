import { describe, expect, it } from 'vitest';

import type { ServerSettings } from '../../src/protocol/server-settings.js';
import {
  describeFoundLink,
  provisionInputFor,
  readScannedText,
} from '../../src/scanner/scan-outcome.js';

const ACTIVATE_URL =
  'https://auth.example.com/smc/complete/acme-01/alice/4825930167';

const SERVER: ServerSettings = {
  host: 'swivel.example.com',
  port: 8443,
  tls: true,
  context: 'proxy',
};

describe('readScannedText', () => {
  it('reads an Activate URL', () => {
    expect(readScannedText(ACTIVATE_URL)).toEqual({
      kind: 'link',
      link: {
        kind: 'provision',
        siteId: 'acme-01',
        username: 'alice',
        code: '4825930167',
      },
    });
  });

  it('reads Base64 of an Activate URL', () => {
    const outcome = readScannedText(btoa(ACTIVATE_URL));

    expect(outcome).toMatchObject({
      kind: 'link',
      link: { username: 'alice' },
    });
  });

  it('reports otpauth as not supported', () => {
    const text = 'otpauth://totp/Swivel:alice?secret=JBSWY3DPEHPK3PXP';

    const outcome = readScannedText(text);

    expect(outcome).toMatchObject({
      kind: 'rejected',
      text,
      message: { title: 'OATH codes are not supported yet' },
    });
  });

  it('keeps other text for showing', () => {
    const outcome = readScannedText('WIFI:S:guest;T:WPA;P:secret;;');

    expect(outcome).toMatchObject({
      kind: 'rejected',
      text: 'WIFI:S:guest;T:WPA;P:secret;;',
      message: { title: 'Not an Activate URL' },
    });
  });
});

describe('provisionInputFor', () => {
  it('uses the Site ID of a complete link', () => {
    const link = {
      kind: 'provision',
      siteId: 'acme-01',
      username: 'alice',
      code: '4825930167',
    } as const;

    expect(provisionInputFor(link, SERVER)).toEqual({
      siteId: 'acme-01',
      username: 'alice',
      code: '4825930167',
    });
  });

  it('uses the stored server without a Site ID', () => {
    const link = { kind: 'provision', username: 'alice', code: '42' } as const;

    expect(provisionInputFor(link, SERVER)).toEqual({
      server: SERVER,
      username: 'alice',
      code: '42',
    });
  });

  it('returns null without a server', () => {
    const link = { kind: 'provision', username: 'alice', code: '42' } as const;

    expect(provisionInputFor(link, undefined)).toBeNull();
  });

  it('returns null without a code', () => {
    const link = {
      kind: 'provision',
      siteId: 'acme-01',
      username: 'alice',
    } as const;

    expect(provisionInputFor(link, SERVER)).toBeNull();
  });
});

describe('describeFoundLink', () => {
  it('names the user and Site ID', () => {
    const link = {
      kind: 'provision',
      siteId: 'acme-01',
      username: 'alice',
    } as const;

    expect(describeFoundLink(link)).toBe(
      'Found an Activate URL for alice at Site ID acme-01.',
    );
  });
});
