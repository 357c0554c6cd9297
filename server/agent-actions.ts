import {
  AGENT_XML_VERSION,
  AgentErrorCode,
  PolicyId,
  buildResponse,
  readRequest,
  type AgentRequest,
  type AgentResponse,
  type Policy,
} from '../src/protocol/agent-xml.js';
import {
  ProtocolError,
  ProtocolErrorCode,
} from '../src/protocol/protocol-error.js';
import type { PolicyName } from './config.js';
import { equalSecrets, type UserDirectory } from './user-directory.js';

/** The `Error` code of every rejected `login`, whatever the reason. */
export const AUTHENTICATION_FAILED = AgentErrorCode.AuthenticationFailed;

/** Server state and settings that the Agent-XML actions use. */
export interface AgentContext {
  readonly directory: UserDirectory;
  /** The shared secret of `login`, or null to reject every login. */
  readonly agentSecret: string | null;
  readonly policies: ReadonlySet<PolicyName>;
}

/** Facts about one handled request that are safe to log. */
export interface AgentLogFields {
  /** The action when it is known, otherwise undefined. */
  readonly action: string | undefined;
  readonly result: 'PASS' | 'FAIL';
  readonly error?: string;
  readonly username?: string;
  /** Reason a login failed, such as `index-used`. */
  readonly loginOutcome?: string;
}

/** The XML reply to one request and what to log about it. */
export interface AgentReply {
  readonly xml: string;
  readonly log: AgentLogFields;
}

type RequestIdElement = 'RequestID' | 'RequestId';

const ACTIONS = ['ping', 'provision', 'SecurityStrings', 'login'] as const;
type Action = (typeof ACTIONS)[number];

const POLICY_SECTION = 'mobile';
const POLICY_SHOW = 'true';

/**
 * Handles one Agent-XML request body and returns the `SASResponse`.
 *
 * Action names are matched without regard to case, like element names. A
 * request that cannot be read gets a `FAIL` reply with `MALFORMED_REQUEST`
 * or `MISSING_FIELD` instead of an exception.
 */
export function handleAgentRequest(
  body: string,
  context: AgentContext,
): AgentReply {
  let request: AgentRequest;
  try {
    request = readRequest(body);
  } catch (error) {
    if (error instanceof ProtocolError) return unreadableRequest(error);
    throw error;
  }
  const action = ACTIONS.find(
    (name) => name.toLowerCase() === request.action.toLowerCase(),
  );
  const reply = new ReplyBuilder(request, action);
  if (isBlank(request.version)) return reply.missingField('Version');

  switch (action) {
    case 'ping':
      return reply.pass({});
    case 'provision':
      return provision(request, reply, context);
    case 'SecurityStrings':
      return downloadStrings(request, reply, context);
    case 'login':
      return login(request, reply, context);
    case undefined:
      return reply.fail(
        AgentErrorCode.UnknownAction,
        `The action "${request.action}" is not supported: use ping, provision, SecurityStrings or login.`,
      );
  }
}

function provision(
  request: AgentRequest,
  reply: ReplyBuilder,
  context: AgentContext,
): AgentReply {
  const { username, provisionCode } = request;
  if (username === undefined || isBlank(username)) {
    return reply.missingField('Username');
  }
  if (provisionCode === undefined || isBlank(provisionCode)) {
    return reply.missingField('ProvisionCode');
  }
  const result = context.directory.provision(username, provisionCode.trim());
  if (result.ok) return reply.pass({ id: result.provisionId }, { username });
  return reply.fail(result.error, PROVISION_ERRORS[result.error], { username });
}

const PROVISION_ERRORS = {
  [AgentErrorCode.UserNotFound]:
    'No user with this username exists on this server: check the username.',
  [AgentErrorCode.InvalidProvisionCode]:
    'The provision code is wrong or was already used: request a new provision code.',
  [AgentErrorCode.ProvisionCodeExpired]:
    'The provision code has expired: request a new provision code.',
} as const;

function downloadStrings(
  request: AgentRequest,
  reply: ReplyBuilder,
  context: AgentContext,
): AgentReply {
  const { id } = request;
  if (id === undefined || isBlank(id)) return reply.missingField('Id');
  const result = context.directory.downloadStrings(id.trim());
  if (!result.ok) {
    return reply.fail(
      result.error,
      'The provision id is unknown or was replaced by a newer provision: provision the device again.',
    );
  }
  // Position 0 is an empty placeholder, so position p is the string of index p.
  const values = ['', ...result.strings.map((entry) => entry.value)];
  return reply.pass(
    {
      securityStrings: values.join(';'),
      policies: buildPolicies(context.policies),
    },
    { username: result.username },
  );
}

function buildPolicies(enabled: ReadonlySet<PolicyName>): Policy[] {
  return Object.values(PolicyId).map((id) => ({
    id,
    section: POLICY_SECTION,
    show: POLICY_SHOW,
    value: enabled.has(id) ? 'ON' : 'OFF',
  }));
}

function login(
  request: AgentRequest,
  reply: ReplyBuilder,
  context: AgentContext,
): AgentReply {
  const { secret, username, otc } = request;
  if (context.agentSecret === null) {
    return reply.fail(
      AgentErrorCode.InvalidSecret,
      'This server has no agent secret, so it rejects every login: set AGENT_SECRET and restart the server.',
    );
  }
  if (secret === undefined || !equalSecrets(context.agentSecret, secret)) {
    return reply.fail(
      AgentErrorCode.InvalidSecret,
      'The agent secret is wrong or missing: send the shared secret set in AGENT_SECRET in the Secret element.',
    );
  }
  if (username === undefined || isBlank(username)) {
    return reply.missingField('Username');
  }
  if (otc === undefined || isBlank(otc)) return reply.missingField('OTC');

  const outcome = context.directory.login(username, otc);
  if (outcome === 'pass') return reply.pass({}, { username });
  return reply.fail(
    AUTHENTICATION_FAILED,
    'The username or one-time code is not valid, or the code was already used: read the next security string and try again.',
    { username, loginOutcome: outcome },
  );
}

function unreadableRequest(error: ProtocolError): AgentReply {
  const reply = new ReplyBuilder(undefined, undefined);
  if (error.code === ProtocolErrorCode.MissingElement) {
    return reply.missingField('Action');
  }
  const description =
    error.code === ProtocolErrorCode.UnexpectedRoot
      ? `${error.message} Send a SASRequest document.`
      : 'The request body is not well-formed XML: send a SASRequest document.';
  return reply.fail(AgentErrorCode.MalformedRequest, description);
}

function isBlank(value: string | undefined): boolean {
  return value === undefined || value.trim() === '';
}

/** Builds replies that echo the request's `Version` and `RequestID`. */
class ReplyBuilder {
  private readonly version: string;
  private readonly requestId: string | undefined;
  private readonly requestIdElement: RequestIdElement;

  constructor(
    request: AgentRequest | undefined,
    private readonly action: Action | undefined,
  ) {
    const version = request?.version?.trim();
    this.version =
      version === undefined || version === '' ? AGENT_XML_VERSION : version;
    this.requestId = request?.requestId;
    // Swivel spells the element RequestId only in SecurityStrings replies.
    this.requestIdElement =
      action === 'SecurityStrings' ? 'RequestId' : 'RequestID';
  }

  pass(
    fields: Pick<AgentResponse, 'id' | 'securityStrings' | 'policies'>,
    log: Partial<AgentLogFields> = {},
  ): AgentReply {
    return this.build({ ...fields, result: 'PASS' }, log);
  }

  fail(
    error: string,
    description: string,
    log: Partial<AgentLogFields> = {},
  ): AgentReply {
    return this.build(
      { result: 'FAIL', error, errorDescription: description },
      log,
    );
  }

  missingField(element: string): AgentReply {
    return this.fail(
      AgentErrorCode.MissingField,
      `The request has no ${element} element, or it is empty: add <${element}> and send the request again.`,
    );
  }

  private build(
    response: Omit<AgentResponse, 'version' | 'requestId'>,
    log: Partial<AgentLogFields>,
  ): AgentReply {
    const xml = buildResponse(
      { ...response, version: this.version, requestId: this.requestId },
      this.requestIdElement,
    );
    const result = response.result === 'PASS' ? 'PASS' : 'FAIL';
    return {
      xml,
      log: { ...log, action: this.action, result, error: response.error },
    };
  }
}
