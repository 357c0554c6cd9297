import {
  AgentErrorCode,
  type AgentResponse,
  AGENT_XML_CONTENT_TYPE,
  buildPingRequest,
  buildProvisionRequest,
  buildSecurityStringsRequest,
  type Policy,
  readResponse,
} from '../protocol/agent-xml.js';
import {
  ProtocolError,
  ProtocolErrorCode,
} from '../protocol/protocol-error.js';
import {
  readSecurityStrings,
  type SecurityString,
} from '../protocol/security-strings.js';
import {
  readServerDetails,
  type ServerDetails,
  type ServerSettings,
  serverBaseUrl,
  SSD_LOOKUP_PATH,
} from '../protocol/ssd.js';
import { isSameOrigin } from '../protocol/server-settings.js';
import { ClientError, ClientErrorCode } from './client-error.js';

/** How long one request may take before it is abandoned, in milliseconds. */
export const DEFAULT_TIMEOUT_MS = 15_000;

/** A downloaded batch with the policies that came with it. */
export interface Batch {
  readonly strings: readonly SecurityString[];
  readonly policies: readonly Policy[];
}

export interface SwivelClientOptions {
  /** The fetch to use; the page's own by default. */
  readonly fetch?: typeof fetch;
  readonly timeoutMs?: number;
}

const AGENT_ERRORS: Readonly<Record<string, ClientErrorCode>> = {
  [AgentErrorCode.UserNotFound]: ClientErrorCode.UserNotFound,
  [AgentErrorCode.InvalidProvisionCode]: ClientErrorCode.InvalidProvisionCode,
  [AgentErrorCode.ProvisionCodeExpired]: ClientErrorCode.ProvisionCodeExpired,
  [AgentErrorCode.NotProvisioned]: ClientErrorCode.NotProvisioned,
};

/**
 * Returns the URL that Agent-XML requests for `settings` go to. A page cannot
 * call another origin's Swivel server, which sends no CORS headers, so a
 * server on another origin is reached through this app's own origin at
 * `/{context}/AgentXML`, where the host forwards it.
 */
export function agentUrlFor(
  settings: ServerSettings,
  pageOrigin: string,
): string {
  const root = isSameOrigin(settings, pageOrigin)
    ? serverBaseUrl(settings)
    : `${pageOrigin}/${settings.context}`;
  return `${root}/AgentXML`;
}

/** Sends the mobile client's requests to a Swivel directory and server. */
export class SwivelClient {
  private readonly fetch: typeof fetch;
  private readonly timeoutMs: number;

  constructor(options: SwivelClientOptions = {}) {
    this.fetch = options.fetch ?? globalThis.fetch.bind(globalThis);
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  }

  /** Looks up a Site ID in the directory at `ssdBaseUrl`. */
  async lookupServer(
    ssdBaseUrl: string,
    siteId: string,
  ): Promise<ServerDetails> {
    // Resolve relative to the base so that a path prefix such as
    // `https://host/directory/` is kept.
    const base = ssdBaseUrl.endsWith('/') ? ssdBaseUrl : `${ssdBaseUrl}/`;
    const url = new URL(SSD_LOOKUP_PATH.slice(1), base);
    url.searchParams.set('id', siteId);
    const xml = await this.send(url.href, { method: 'GET' });
    try {
      return readServerDetails(xml);
    } catch (error) {
      if (
        error instanceof ProtocolError &&
        error.code === ProtocolErrorCode.UnknownSiteId
      ) {
        throw new ClientError(ClientErrorCode.UnknownSiteId, error.message, {
          cause: error,
        });
      }
      throw malformed(error);
    }
  }

  /** Checks that the server handles Agent-XML, which needs no provisioning. */
  async ping(agentUrl: string): Promise<void> {
    await this.post(agentUrl, buildPingRequest());
  }

  /** Provisions this device and returns the provision id. */
  async provision(
    agentUrl: string,
    username: string,
    code: string,
  ): Promise<string> {
    const response = await this.post(
      agentUrl,
      buildProvisionRequest(username, code),
    );
    const id = response.id?.trim() ?? '';
    if (id === '') {
      throw new ClientError(
        ClientErrorCode.MalformedReply,
        'The server accepted the provision code but sent no provision id.',
      );
    }
    return id;
  }

  /** Downloads a new batch, which replaces the old one on the server. */
  async downloadStrings(agentUrl: string, provisionId: string): Promise<Batch> {
    const response = await this.post(
      agentUrl,
      buildSecurityStringsRequest(provisionId),
    );
    try {
      const strings = readSecurityStrings(response.securityStrings ?? '');
      return { strings, policies: response.policies ?? [] };
    } catch (error) {
      throw malformed(error);
    }
  }

  private async post(url: string, body: string): Promise<AgentResponse> {
    const xml = await this.send(url, {
      method: 'POST',
      headers: { 'Content-Type': AGENT_XML_CONTENT_TYPE },
      body,
    });
    let response: AgentResponse;
    try {
      response = readResponse(xml);
    } catch (error) {
      throw malformed(error);
    }
    if (response.result !== 'PASS') throw rejection(response);
    return response;
  }

  private async send(url: string, init: RequestInit): Promise<string> {
    let response: Response;
    try {
      response = await this.fetch(url, {
        ...init,
        cache: 'no-store',
        credentials: 'omit',
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (error) {
      throw transportError(error, url, this.timeoutMs);
    }
    if (!response.ok) {
      throw new ClientError(
        ClientErrorCode.HttpError,
        `${hostOf(url)} replied with HTTP ${response.status}.`,
      );
    }
    try {
      return await response.text();
    } catch (error) {
      throw transportError(error, url, this.timeoutMs);
    }
  }
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

function transportError(
  error: unknown,
  url: string,
  timeoutMs: number,
): ClientError {
  const host = hostOf(url);
  if (error instanceof DOMException && error.name === 'TimeoutError') {
    return new ClientError(
      ClientErrorCode.Timeout,
      `${host} did not reply within ${Math.round(timeoutMs / 1000)} seconds.`,
      { cause: error },
    );
  }
  return new ClientError(
    ClientErrorCode.Unreachable,
    `Could not connect to ${host}.`,
    { cause: error },
  );
}

function malformed(error: unknown): ClientError {
  const detail = error instanceof Error ? error.message : String(error);
  return new ClientError(ClientErrorCode.MalformedReply, detail, {
    cause: error,
  });
}

function rejection(response: AgentResponse): ClientError {
  const code =
    AGENT_ERRORS[response.error?.toUpperCase() ?? ''] ??
    ClientErrorCode.Rejected;
  const detail =
    response.errorDescription ?? response.error ?? 'no reason given';
  return new ClientError(code, `The server returned FAIL: ${detail}`);
}
