import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { PolicyId } from '../src/protocol/agent-xml.js';
import { ProtocolError } from '../src/protocol/protocol-error.js';
import { readContext } from '../src/protocol/server-settings.js';
import { ConfigError } from './config-error.js';
import {
  readDeploymentSettings,
  type DeploymentSettings,
} from './deployment-config.js';

export { ConfigError } from './config-error.js';

/** One of the policy ids that a `SecurityStrings` reply lists. */
export type PolicyName = (typeof PolicyId)[keyof typeof PolicyId];

/** The agent secret that demo mode uses when `AGENT_SECRET` is unset. */
export const DEMO_AGENT_SECRET = 'demo-secret';

/** Origin of the agent secret, which startup reports. */
export type AgentSecretSource = 'environment' | 'demo-default' | 'unset';

/** Server settings, read from the environment by {@link loadConfig}. */
export interface ServerConfig extends DeploymentSettings {
  /** TCP port to listen on. 0 lets the system choose a free port. */
  readonly port: number;
  /** Address or host name to listen on. */
  readonly host: string;
  /** The Site ID that the directory lookup (SSD) recognises. */
  readonly siteId: string;
  /** Shared secret that `login` requests must send, or null to reject all. */
  readonly agentSecret: string | null;
  readonly agentSecretSource: AgentSecretSource;
  /** Enables the admin API that creates users and provision codes. */
  readonly demo: boolean;
  /** Origin where users reach this server, or undefined to use the request. */
  readonly publicUrl: URL | undefined;
  /** Whether X-Forwarded-Host, -Proto and -Port describe the public origin. */
  readonly trustProxy: boolean;
  /** The `connectionType` of directory replies: proxy, pinsafe or sentry. */
  readonly context: string;
  readonly provisionCodeTtlSeconds: number;
  /** Policies sent as ON. Every other policy is sent as OFF. */
  readonly policies: ReadonlySet<PolicyName>;
  /** Folder of the built web app (`index.html`, `sw.js`, `assets/`). */
  readonly staticDir: string;
}

const POLICY_NAMES: readonly PolicyName[] = Object.values(PolicyId);
const SITE_ID_PATTERN = /^[A-Za-z0-9._~-]{1,64}$/;
const TRUE_WORDS = new Set(['1', 'true', 'yes', 'on']);
const FALSE_WORDS = new Set(['', '0', 'false', 'no', 'off']);

/**
 * Reads and validates the server settings.
 *
 * @param env - environment variables, normally `process.env`.
 * @param args - command-line arguments after the script name. Only `--demo`
 *   is accepted.
 * @throws ConfigError for any invalid variable or argument, and for
 *   variables that do not apply to the chosen mode (see
 *   {@link readDeploymentSettings}).
 */
export function loadConfig(
  env: NodeJS.ProcessEnv = process.env,
  args: readonly string[] = process.argv.slice(2),
): ServerConfig {
  const demo = readDemoFlag(env, args);
  const secret = readAgentSecret(env, demo);
  return {
    port: readPort(env.PORT),
    host: readHostSetting(env.HOST),
    siteId: readSiteId(env.SITE_ID),
    agentSecret: secret.value,
    agentSecretSource: secret.source,
    demo,
    publicUrl: readPublicUrl(env.PUBLIC_URL),
    trustProxy: readBoolean('TRUST_PROXY', env.TRUST_PROXY),
    context: readContextSetting(env.CONTEXT),
    provisionCodeTtlSeconds: readTtl(env.PROVISION_CODE_TTL_SECONDS),
    policies: readPolicies(env.POLICIES),
    staticDir: readStaticDir(env.STATIC_DIR),
    ...readDeploymentSettings(env, demo),
  };
}

function readDemoFlag(
  env: NodeJS.ProcessEnv,
  args: readonly string[],
): boolean {
  for (const arg of args) {
    if (arg !== '--demo') {
      throw new ConfigError(
        `Unknown argument "${arg}": the only argument is --demo. Use environment variables such as PORT for the other settings.`,
      );
    }
  }
  return args.includes('--demo') || readBoolean('DEMO', env.DEMO);
}

function readAgentSecret(
  env: NodeJS.ProcessEnv,
  demo: boolean,
): { value: string | null; source: AgentSecretSource } {
  const value = env.AGENT_SECRET;
  if (value !== undefined && value !== '') {
    return { value, source: 'environment' };
  }
  if (demo) return { value: DEMO_AGENT_SECRET, source: 'demo-default' };
  return { value: null, source: 'unset' };
}

/** Reads a yes/no variable: 1, true, yes, on or 0, false, no, off. */
function readBoolean(name: string, value: string | undefined): boolean {
  const word = (value ?? '').trim().toLowerCase();
  if (TRUE_WORDS.has(word)) return true;
  if (FALSE_WORDS.has(word)) return false;
  throw new ConfigError(
    `${name}="${value}" is not a yes/no value: use 1 or true to enable, 0 or false to disable.`,
  );
}

function readPort(value: string | undefined): number {
  if (value === undefined || value.trim() === '') return 8080;
  const text = value.trim();
  const port = Number(text);
  if (!/^\d+$/.test(text) || port > 65535) {
    throw new ConfigError(
      `PORT="${value}" is not a valid port: use a whole number from 1 to 65535, or 0 for any free port.`,
    );
  }
  return port;
}

function readHostSetting(value: string | undefined): string {
  if (value === undefined || value.trim() === '') return '127.0.0.1';
  const host = value.trim();
  if (/[\s/]/.test(host)) {
    throw new ConfigError(
      `HOST="${value}" is not a valid address: use an IP address such as 127.0.0.1 or 0.0.0.0, or a host name.`,
    );
  }
  return host;
}

function readSiteId(value: string | undefined): string {
  if (value === undefined || value.trim() === '') return 'DEMO';
  const siteId = value.trim();
  if (!SITE_ID_PATTERN.test(siteId)) {
    throw new ConfigError(
      `SITE_ID="${value}" is not valid: use 1 to 64 letters, digits, ".", "_", "~" or "-".`,
    );
  }
  return siteId;
}

function readPublicUrl(value: string | undefined): URL | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    throw new ConfigError(
      `PUBLIC_URL="${value}" is not a URL: use an origin such as https://swivel.example.com:8443.`,
    );
  }
  const isHttp = url.protocol === 'http:' || url.protocol === 'https:';
  const isOrigin =
    url.pathname === '/' &&
    url.search === '' &&
    url.hash === '' &&
    url.username === '' &&
    url.password === '';
  if (!isHttp || !isOrigin) {
    throw new ConfigError(
      `PUBLIC_URL="${value}" must be an http or https origin with no path, query or user name, such as https://swivel.example.com:8443.`,
    );
  }
  return url;
}

function readContextSetting(value: string | undefined): string {
  if (value === undefined || value.trim() === '') return 'proxy';
  try {
    return readContext(value);
  } catch (error) {
    if (error instanceof ProtocolError) {
      throw new ConfigError(
        `CONTEXT="${value}" is not valid: use a single path name such as proxy, pinsafe or sentry.`,
      );
    }
    throw error;
  }
}

function readTtl(value: string | undefined): number {
  if (value === undefined || value.trim() === '') return 600;
  const text = value.trim();
  const seconds = Number(text);
  if (!/^\d+$/.test(text) || seconds < 1 || !Number.isSafeInteger(seconds)) {
    throw new ConfigError(
      `PROVISION_CODE_TTL_SECONDS="${value}" is not valid: use a whole number of seconds of at least 1, such as 600.`,
    );
  }
  return seconds;
}

/** Reads a comma-separated list of policy ids, matched without regard to case. */
function readPolicies(value: string | undefined): ReadonlySet<PolicyName> {
  const policies = new Set<PolicyName>();
  for (const item of (value ?? '').split(',')) {
    const name = item.trim();
    if (name === '') continue;
    const policy = POLICY_NAMES.find(
      (candidate) => candidate.toLowerCase() === name.toLowerCase(),
    );
    if (policy === undefined) {
      throw new ConfigError(
        `POLICIES contains the unknown policy "${name}": use a comma-separated list of ${POLICY_NAMES.join(', ')}.`,
      );
    }
    policies.add(policy);
  }
  return policies;
}

function readStaticDir(value: string | undefined): string {
  if (value === undefined || value.trim() === '') return defaultStaticDir();
  return resolve(value.trim());
}

/**
 * Finds the repository's `dist/` folder from this module's location, which is
 * `server/` when run from source and `build/server/` when compiled.
 */
function defaultStaticDir(): string {
  const moduleDir = dirname(fileURLToPath(import.meta.url));
  let folder = moduleDir;
  for (let depth = 0; depth < 3; depth += 1) {
    if (existsSync(join(folder, 'package.json'))) return join(folder, 'dist');
    folder = dirname(folder);
  }
  return resolve(moduleDir, '..', '..', 'dist');
}
