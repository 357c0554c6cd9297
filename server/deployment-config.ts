import { ConfigError } from './config-error.js';

/** Swivel's public directory, which maps a Site ID to its Swivel server. */
export const SWIVEL_DIRECTORY_URL = 'https://ssd.swivelsecure.net';

/** Default time a forwarded request may take before the reply is 504. */
export const DEFAULT_UPSTREAM_TIMEOUT_SECONDS = 15;

/**
 * Settings of the built-in Swivel server. In deployment mode the real Swivel
 * server handles what they control, so setting one there is an error.
 */
const BUILT_IN_SERVER_VARIABLES = [
  'SITE_ID',
  'AGENT_SECRET',
  'CONTEXT',
  'PROVISION_CODE_TTL_SECONDS',
  'POLICIES',
] as const;

/** Settings that only deployment mode uses. */
const DEPLOYMENT_VARIABLES = ['SSD_URL', 'UPSTREAM_TIMEOUT_SECONDS'] as const;

/** Settings of deployment mode, where requests go to a real Swivel server. */
export interface DeploymentSettings {
  /**
   * Base URL of the Swivel server that `/{context}/AgentXML` requests are
   * forwarded to, such as `https://swivel.example.com:8443/proxy`, with
   * trailing slashes removed from its path. Set means deployment mode, and
   * undefined means the built-in server handles these requests itself.
   */
  readonly swivelUrl: URL | undefined;
  /** Base URL of the directory that Site ID lookups are forwarded to. */
  readonly ssdUrl: URL;
  /** Time a forwarded request may take before the reply is 504, in milliseconds. */
  readonly upstreamTimeoutMs: number;
}

/**
 * Reads `SWIVEL_URL`, `SSD_URL` and `UPSTREAM_TIMEOUT_SECONDS`.
 *
 * @throws ConfigError when a URL or the timeout is invalid, when demo mode
 *   and `SWIVEL_URL` are both set, when a setting of the built-in server is
 *   set together with `SWIVEL_URL`, or when a deployment setting is set
 *   without it.
 */
export function readDeploymentSettings(
  env: NodeJS.ProcessEnv,
  demo: boolean,
): DeploymentSettings {
  const swivelUrl = readSwivelUrl(env.SWIVEL_URL);
  if (swivelUrl === undefined) {
    rejectSetVariables(env, DEPLOYMENT_VARIABLES, describeMissingSwivelUrl);
    return {
      swivelUrl,
      ssdUrl: new URL(SWIVEL_DIRECTORY_URL),
      upstreamTimeoutMs: DEFAULT_UPSTREAM_TIMEOUT_SECONDS * 1000,
    };
  }
  if (demo) {
    throw new ConfigError(
      'DEMO and SWIVEL_URL are both set, but demo mode serves its own test users and SWIVEL_URL forwards to a real Swivel server: unset DEMO and --demo for a deployment, or unset SWIVEL_URL for the demo.',
    );
  }
  rejectSetVariables(env, BUILT_IN_SERVER_VARIABLES, describeUnusedSetting);
  return {
    swivelUrl,
    ssdUrl:
      readBaseUrl('SSD_URL', env.SSD_URL, SWIVEL_DIRECTORY_URL) ??
      new URL(SWIVEL_DIRECTORY_URL),
    upstreamTimeoutMs: readTimeoutSeconds(env.UPSTREAM_TIMEOUT_SECONDS) * 1000,
  };
}

function readSwivelUrl(value: string | undefined): URL | undefined {
  const example = 'https://swivel.example.com:8443/proxy';
  const url = readBaseUrl('SWIVEL_URL', value, example);
  if (url === undefined) return undefined;
  if (/\/AgentXML$/i.test(url.pathname)) {
    throw new ConfigError(
      `SWIVEL_URL="${value}" ends with /AgentXML, but the server adds /AgentXML itself: set the base, such as ${example}.`,
    );
  }
  return url;
}

/**
 * Reads an http or https URL with an optional path, and removes trailing
 * slashes from the path. Returns undefined when the value is unset or blank.
 */
function readBaseUrl(
  name: string,
  value: string | undefined,
  example: string,
): URL | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    throw new ConfigError(
      `${name}="${value}" is not a URL: use an http or https URL such as ${example}.`,
    );
  }
  const isHttp = url.protocol === 'http:' || url.protocol === 'https:';
  const isBase =
    url.search === '' &&
    url.hash === '' &&
    url.username === '' &&
    url.password === '';
  if (!isHttp || !isBase) {
    throw new ConfigError(
      `${name}="${value}" must be an http or https URL with no user name, query or fragment, such as ${example}.`,
    );
  }
  url.pathname = url.pathname.replace(/\/+$/, '');
  return url;
}

function readTimeoutSeconds(value: string | undefined): number {
  if (value === undefined || value.trim() === '') {
    return DEFAULT_UPSTREAM_TIMEOUT_SECONDS;
  }
  const text = value.trim();
  const seconds = Number(text);
  if (!/^\d+$/.test(text) || seconds < 1 || !Number.isSafeInteger(seconds)) {
    throw new ConfigError(
      `UPSTREAM_TIMEOUT_SECONDS="${value}" is not valid: use a whole number of seconds of at least 1, such as ${DEFAULT_UPSTREAM_TIMEOUT_SECONDS}.`,
    );
  }
  return seconds;
}

function rejectSetVariables(
  env: NodeJS.ProcessEnv,
  names: readonly string[],
  describe: (name: string) => string,
): void {
  const name = names.find((candidate) => {
    const value = env[candidate];
    return value !== undefined && value.trim() !== '';
  });
  if (name !== undefined) throw new ConfigError(describe(name));
}

function describeMissingSwivelUrl(name: string): string {
  return `${name} is set but SWIVEL_URL is not, and ${name} applies only in deployment mode: set SWIVEL_URL to the Swivel server's base URL, or unset ${name}.`;
}

function describeUnusedSetting(name: string): string {
  return `${name} is set together with SWIVEL_URL, but in deployment mode the Swivel server at SWIVEL_URL handles what ${name} controls, so it would have no effect: unset ${name}, and change the setting on the Swivel server instead.`;
}
