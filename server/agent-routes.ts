import type {
  FastifyError,
  FastifyInstance,
  FastifyReply,
  FastifyRequest,
} from 'fastify';

import {
  AGENT_XML_CONTENT_TYPE,
  AgentErrorCode,
  buildResponse,
} from '../src/protocol/agent-xml.js';
import { handleAgentRequest, type AgentContext } from './agent-actions.js';

/** The contexts under which Swivel installations serve `/AgentXML`. */
export const AGENT_CONTEXTS = ['proxy', 'pinsafe', 'sentry'] as const;

/** Largest accepted Agent-XML request body, in bytes. */
export const AGENT_BODY_LIMIT = 64 * 1024;

/**
 * Registers `POST /{context}/AgentXML` for each context. The body is read as
 * text whatever its Content-Type, and every reply is HTTP 200 with a
 * `SASResponse`, except for unexpected server errors.
 */
export async function agentRoutes(
  app: FastifyInstance,
  context: AgentContext,
): Promise<void> {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string' }, (_request, body, done) =>
    done(null, body),
  );
  app.setErrorHandler(replyWithAgentError);

  for (const name of AGENT_CONTEXTS) {
    app.post(
      `/${name}/AgentXML`,
      { bodyLimit: AGENT_BODY_LIMIT },
      (request, reply) => handle(context, request, reply),
    );
  }
}

function handle(
  context: AgentContext,
  request: FastifyRequest,
  reply: FastifyReply,
): FastifyReply {
  const body = typeof request.body === 'string' ? request.body : '';
  const { xml, log } = handleAgentRequest(body, context);
  request.log.info(log, 'agent request handled');
  return reply.code(200).type(AGENT_XML_CONTENT_TYPE).send(xml);
}

/**
 * Turns errors raised before the handler runs, such as a body over 64 KiB or
 * an unparsable Content-Type, into a `FAIL` reply with `MALFORMED_REQUEST`.
 */
function replyWithAgentError(
  error: FastifyError,
  request: FastifyRequest,
  reply: FastifyReply,
): FastifyReply {
  const statusCode = error.statusCode ?? 500;
  if (statusCode >= 500) {
    request.log.error({ err: error }, 'agent request failed');
    const xml = buildResponse({
      result: 'FAIL',
      errorDescription:
        'The server failed to handle the request: see the server log for the error.',
    });
    return reply.code(500).type(AGENT_XML_CONTENT_TYPE).send(xml);
  }
  request.log.info({ err: error }, 'agent request rejected');
  const xml = buildResponse({
    result: 'FAIL',
    error: AgentErrorCode.MalformedRequest,
    errorDescription: describeClientError(error),
  });
  return reply.code(200).type(AGENT_XML_CONTENT_TYPE).send(xml);
}

function describeClientError(error: FastifyError): string {
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return `The request body is larger than ${AGENT_BODY_LIMIT / 1024} KiB: send a single SASRequest document.`;
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return 'The Content-Type header is not valid: send application/xml; charset=utf-8.';
    default:
      return 'The request could not be read: send a SASRequest document with Content-Type: application/xml.';
  }
}
