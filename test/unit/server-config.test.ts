import { existsSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';

import { describe, expect, it } from 'vitest';

import {
  ConfigError,
  DEMO_AGENT_SECRET,
  loadConfig,
} from '../../server/config.js';

describe('loadConfig', () => {
  it('applies the defaults', () => {
    const config = loadConfig({}, []);
    expect(config.port).toBe(8080);
    expect(config.host).toBe('127.0.0.1');
    expect(config.siteId).toBe('DEMO');
    expect(config.demo).toBe(false);
    expect(config.agentSecret).toBeNull();
    expect(config.agentSecretSource).toBe('unset');
    expect(config.publicUrl).toBeUndefined();
    expect(config.trustProxy).toBe(false);
    expect(config.context).toBe('proxy');
    expect(config.provisionCodeTtlSeconds).toBe(600);
    expect([...config.policies]).toEqual([]);
    expect(config.swivelUrl).toBeUndefined();
    expect(config.ssdUrl.href).toBe('https://ssd.swivelsecure.net/');
    expect(config.upstreamTimeoutMs).toBe(15_000);
  });

  it('finds dist next to package.json', () => {
    const { staticDir } = loadConfig({}, []);
    expect(basename(staticDir)).toBe('dist');
    expect(existsSync(join(staticDir, '..', 'package.json'))).toBe(true);
  });

  it('reads every variable', () => {
    const config = loadConfig(
      {
        PORT: '9443',
        HOST: '0.0.0.0',
        SITE_ID: 'acme-1',
        AGENT_SECRET: 's3cret',
        PUBLIC_URL: 'https://swivel.example.com:8443',
        TRUST_PROXY: 'true',
        CONTEXT: '/pinsafe',
        PROVISION_CODE_TTL_SECONDS: '60',
        POLICIES: 'AllowUserPIN, allowstringbrowsing,',
        STATIC_DIR: 'some/folder',
      },
      [],
    );
    expect(config.port).toBe(9443);
    expect(config.host).toBe('0.0.0.0');
    expect(config.siteId).toBe('acme-1');
    expect(config.agentSecret).toBe('s3cret');
    expect(config.agentSecretSource).toBe('environment');
    expect(config.publicUrl?.origin).toBe('https://swivel.example.com:8443');
    expect(config.trustProxy).toBe(true);
    expect(config.context).toBe('pinsafe');
    expect(config.provisionCodeTtlSeconds).toBe(60);
    expect([...config.policies].sort()).toEqual([
      'AllowStringBrowsing',
      'AllowUserPIN',
    ]);
    expect(config.staticDir).toBe(resolve('some/folder'));
  });

  it.each([
    [{ DEMO: '1' }, []],
    [{ DEMO: 'true' }, []],
    [{}, ['--demo']],
  ])('enables demo mode from %j %j', (env, args) => {
    const config = loadConfig(env, args);
    expect(config.demo).toBe(true);
    expect(config.agentSecret).toBe(DEMO_AGENT_SECRET);
    expect(config.agentSecretSource).toBe('demo-default');
  });

  it('keeps a set secret in demo mode', () => {
    const config = loadConfig({ DEMO: '1', AGENT_SECRET: 'mine' }, []);
    expect(config.agentSecret).toBe('mine');
  });

  it.each([
    ['PORT', { PORT: 'http' }],
    ['PORT', { PORT: '70000' }],
    ['PORT', { PORT: '-1' }],
    ['HOST', { HOST: 'a b' }],
    ['SITE_ID', { SITE_ID: 'has space' }],
    ['SITE_ID', { SITE_ID: 'a/b' }],
    ['DEMO', { DEMO: 'maybe' }],
    ['TRUST_PROXY', { TRUST_PROXY: '2' }],
    ['PUBLIC_URL', { PUBLIC_URL: 'not a url' }],
    ['PUBLIC_URL', { PUBLIC_URL: 'ftp://example.com' }],
    ['PUBLIC_URL', { PUBLIC_URL: 'https://example.com/app' }],
    ['PUBLIC_URL', { PUBLIC_URL: 'https://user@example.com' }],
    ['CONTEXT', { CONTEXT: 'a/b' }],
    ['PROVISION_CODE_TTL_SECONDS', { PROVISION_CODE_TTL_SECONDS: '0' }],
    ['PROVISION_CODE_TTL_SECONDS', { PROVISION_CODE_TTL_SECONDS: '1.5' }],
    ['POLICIES', { POLICIES: 'AllowUserPIN,AllowEverything' }],
  ])('rejects an invalid %s', (name, env) => {
    expect(() => loadConfig(env, [])).toThrow(ConfigError);
    expect(() => loadConfig(env, [])).toThrow(name);
  });

  it('rejects an unknown argument', () => {
    expect(() => loadConfig({}, ['--port=1'])).toThrow(/--port=1/);
  });

  it('reads the deployment variables', () => {
    const config = loadConfig(
      {
        SWIVEL_URL: 'https://swivel.example.com:8443/proxy/',
        SSD_URL: 'http://127.0.0.1:8081/directory',
        UPSTREAM_TIMEOUT_SECONDS: '5',
      },
      [],
    );
    expect(config.swivelUrl?.href).toBe(
      'https://swivel.example.com:8443/proxy',
    );
    expect(config.ssdUrl.href).toBe('http://127.0.0.1:8081/directory');
    expect(config.upstreamTimeoutMs).toBe(5_000);
    expect(config.demo).toBe(false);
  });

  it('defaults SSD_URL to Swivel in deployment mode', () => {
    const config = loadConfig({ SWIVEL_URL: 'https://swivel.example.com' }, []);
    expect(config.ssdUrl.href).toBe('https://ssd.swivelsecure.net/');
    expect(config.upstreamTimeoutMs).toBe(15_000);
  });

  it.each([
    [{ DEMO: '1', SWIVEL_URL: 'https://swivel.example.com' }, []],
    [{ SWIVEL_URL: 'https://swivel.example.com' }, ['--demo']],
  ])('rejects demo mode with SWIVEL_URL for %j %j', (env, args) => {
    expect(() => loadConfig(env, args)).toThrow(ConfigError);
    expect(() => loadConfig(env, args)).toThrow(/DEMO and SWIVEL_URL/);
  });

  it.each([
    ['SWIVEL_URL', { SWIVEL_URL: 'swivel.example.com' }],
    ['SWIVEL_URL', { SWIVEL_URL: 'ftp://swivel.example.com' }],
    ['SWIVEL_URL', { SWIVEL_URL: 'https://user:pw@swivel.example.com' }],
    ['SWIVEL_URL', { SWIVEL_URL: 'https://swivel.example.com/proxy?a=1' }],
    ['SWIVEL_URL', { SWIVEL_URL: 'https://swivel.example.com/proxy#top' }],
    ['SWIVEL_URL', { SWIVEL_URL: 'https://swivel.example.com/proxy/AgentXML' }],
    ['SSD_URL', { SWIVEL_URL: 'https://s.example.com', SSD_URL: 'nope' }],
    [
      'UPSTREAM_TIMEOUT_SECONDS',
      { SWIVEL_URL: 'https://s.example.com', UPSTREAM_TIMEOUT_SECONDS: '0' },
    ],
    [
      'UPSTREAM_TIMEOUT_SECONDS',
      { SWIVEL_URL: 'https://s.example.com', UPSTREAM_TIMEOUT_SECONDS: '0.5' },
    ],
  ])('rejects an invalid %s', (name, env) => {
    expect(() => loadConfig(env, [])).toThrow(ConfigError);
    expect(() => loadConfig(env, [])).toThrow(name);
  });

  it.each(['SSD_URL', 'UPSTREAM_TIMEOUT_SECONDS'])(
    'rejects %s without SWIVEL_URL',
    (name) => {
      const env = { [name]: name === 'SSD_URL' ? 'https://d.example' : '5' };
      expect(() => loadConfig(env, [])).toThrow(ConfigError);
      expect(() => loadConfig(env, [])).toThrow(
        `${name} is set but SWIVEL_URL is not`,
      );
    },
  );

  it.each([
    ['SITE_ID', 'acme'],
    ['AGENT_SECRET', 's3cret'],
    ['CONTEXT', 'pinsafe'],
    ['PROVISION_CODE_TTL_SECONDS', '60'],
    ['POLICIES', 'AllowUserPIN'],
  ])('rejects %s in deployment mode', (name, value) => {
    const env = { SWIVEL_URL: 'https://swivel.example.com', [name]: value };
    expect(() => loadConfig(env, [])).toThrow(ConfigError);
    expect(() => loadConfig(env, [])).toThrow(
      `${name} is set together with SWIVEL_URL`,
    );
  });

  it('names the valid policies', () => {
    expect(() => loadConfig({ POLICIES: 'Nope' }, [])).toThrow(
      /AllowUserPIN, AllowExtractChoice, AllowStringBrowsing/,
    );
  });
});
