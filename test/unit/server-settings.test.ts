import { describe, expect, it } from 'vitest';

import {
  ProtocolError,
  ProtocolErrorCode,
} from '../../src/protocol/protocol-error.js';
import {
  readContext,
  readHost,
  readPort,
  type ServerSettings,
  serverBaseUrl,
} from '../../src/protocol/server-settings.js';

function thrownBy(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  throw new Error('Expected the call to throw, but it returned normally.');
}

describe('readHost', () => {
  const valid: readonly (readonly [string, string])[] = [
    ['swivel.example.com', 'swivel.example.com'],
    ['Swivel.Example.COM', 'swivel.example.com'],
    ['  swivel.example.com  ', 'swivel.example.com'],
    ['localhost', 'localhost'],
    ['my-host', 'my-host'],
    ['host.example.', 'host.example.'],
    ['192.0.2.10', '192.0.2.10'],
    ['::1', '::1'],
    ['[::1]', '::1'],
    ['2001:db8::1', '2001:db8::1'],
    ['2001:DB8::1', '2001:db8::1'],
  ];

  for (const [input, expected] of valid) {
    it(`accepts ${JSON.stringify(input)}`, () => {
      expect(readHost(input)).toBe(expected);
    });
  }

  const invalid = [
    '',
    '   ',
    'bad host',
    'host:8443',
    'host/proxy',
    'user@host',
    'host?x=1',
    'host#top',
    'https://host',
    '%41',
    '[::1',
    '::1::2',
    '999.1.1.1',
  ];

  for (const input of invalid) {
    it(`rejects ${JSON.stringify(input)}`, () => {
      const error = thrownBy(() => readHost(input));

      expect(error).toBeInstanceOf(ProtocolError);
      expect(error).toHaveProperty('code', ProtocolErrorCode.InvalidValue);
    });
  }

  // The URL standard rewrites these to a canonical form, and readHost then
  // finds the rewritten host name different from the input and rejects it.
  it('accepts IPv6 with leading zeros', () => {
    expect(() =>
      readHost('2001:0db8:0000:0000:0000:0000:0000:0001'),
    ).not.toThrow();
  });

  it('accepts uncompressed IPv6 loopback', () => {
    expect(() => readHost('0:0:0:0:0:0:0:1')).not.toThrow();
  });

  it('accepts internationalised host name', () => {
    expect(() => readHost('bücher.example')).not.toThrow();
  });

  it('names value in message', () => {
    const error = thrownBy(() => readHost('bad host'));

    expect(error).toHaveProperty(
      'message',
      expect.stringContaining('"bad host"'),
    );
  });
});

describe('readPort', () => {
  it('reads port number', () => {
    expect(readPort('8443', true)).toBe(8443);
  });

  it('trims whitespace', () => {
    expect(readPort(' 8080 ', false)).toBe(8080);
  });

  it('accepts lowest port', () => {
    expect(readPort('1', false)).toBe(1);
  });

  it('accepts highest port', () => {
    expect(readPort('65535', false)).toBe(65535);
  });

  it('defaults empty to 443 with TLS', () => {
    expect(readPort('', true)).toBe(443);
  });

  it('defaults empty to 80 without TLS', () => {
    expect(readPort('  ', false)).toBe(80);
  });

  for (const input of [
    '0',
    '65536',
    '-1',
    '+80',
    '80.0',
    '1e3',
    '0x50',
    'abc',
    '80 80',
    '８０',
  ]) {
    it(`rejects ${JSON.stringify(input)}`, () => {
      const error = thrownBy(() => readPort(input, true));

      expect(error).toBeInstanceOf(ProtocolError);
      expect(error).toHaveProperty('code', ProtocolErrorCode.InvalidValue);
    });
  }
});

describe('readContext', () => {
  const valid: readonly (readonly [string, string])[] = [
    ['proxy', 'proxy'],
    ['/proxy', 'proxy'],
    ['pinsafe/', 'pinsafe'],
    ['//sentry//', 'sentry'],
    [' /sentry ', 'sentry'],
    ['my-context_1.2~x', 'my-context_1.2~x'],
  ];

  for (const [input, expected] of valid) {
    it(`reads ${JSON.stringify(input)}`, () => {
      expect(readContext(input)).toBe(expected);
    });
  }

  for (const input of [
    '',
    '/',
    '//',
    'a/b',
    'pro xy',
    'proxy?x',
    '%2F',
    'proxy#',
    'ä',
  ]) {
    it(`rejects ${JSON.stringify(input)}`, () => {
      const error = thrownBy(() => readContext(input));

      expect(error).toBeInstanceOf(ProtocolError);
      expect(error).toHaveProperty('code', ProtocolErrorCode.InvalidValue);
    });
  }
});

describe('serverBaseUrl', () => {
  const settings: ServerSettings = {
    host: 'swivel.example.com',
    port: 8443,
    tls: true,
    context: 'proxy',
  };

  it('uses https with TLS', () => {
    expect(serverBaseUrl(settings)).toBe(
      'https://swivel.example.com:8443/proxy',
    );
  });

  it('uses http without TLS', () => {
    const url = serverBaseUrl({
      ...settings,
      tls: false,
      port: 8080,
      context: 'pinsafe',
    });

    expect(url).toBe('http://swivel.example.com:8080/pinsafe');
  });

  it('keeps default port explicit', () => {
    expect(serverBaseUrl({ ...settings, port: 443 })).toBe(
      'https://swivel.example.com:443/proxy',
    );
  });

  it('brackets IPv6 host', () => {
    expect(serverBaseUrl({ ...settings, host: '2001:db8::1' })).toBe(
      'https://[2001:db8::1]:8443/proxy',
    );
  });

  it('keeps bracketed IPv6 host', () => {
    expect(
      serverBaseUrl({ ...settings, host: '[::1]', tls: false, port: 8080 }),
    ).toBe('http://[::1]:8080/proxy');
  });

  it('builds parseable URL for IPv6', () => {
    const url = new URL(serverBaseUrl({ ...settings, host: readHost('::1') }));

    expect(url.hostname).toBe('[::1]');
    expect(url.port).toBe('8443');
    expect(url.pathname).toBe('/proxy');
  });
});
