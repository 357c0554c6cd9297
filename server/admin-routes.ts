import type {
  FastifyError,
  FastifyInstance,
  FastifyReply,
  FastifyRequest,
} from 'fastify';

import { InvalidHostError, resolvePublicOrigin } from './public-origin.js';
import {
  InvalidUserError,
  validateUsername,
  type UserDirectory,
} from './user-directory.js';

/** Server state and settings that the admin API uses. */
export interface AdminContext {
  readonly directory: UserDirectory;
  readonly siteId: string;
  readonly publicUrl: URL | undefined;
  readonly trustProxy: boolean;
}

interface UsernameParams {
  readonly username: string;
}

const EXAMPLE_BODY = '{"username":"alice","pin":"1234"}';

/**
 * Registers the demo-mode JSON API under `/admin`: create users, issue
 * provision codes and show a user's strings. Every error reply is
 * `{"error": message}`.
 */
export async function adminRoutes(
  app: FastifyInstance,
  context: AdminContext,
): Promise<void> {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(
    'application/json',
    { parseAs: 'string' },
    parseJsonBody,
  );
  app.setErrorHandler(replyWithAdminError);

  app.post('/admin/users', (request, reply) =>
    createUser(context, request, reply),
  );
  app.post<{ Params: UsernameParams }>(
    '/admin/users/:username/provision-code',
    (request, reply) => issueProvisionCode(context, request, reply),
  );
  app.get<{ Params: UsernameParams }>(
    '/admin/users/:username',
    (request, reply) => showUser(context, request, reply),
  );
}

/**
 * Parses a JSON body. The error message never quotes the body, because the
 * body may contain a PIN and errors are logged.
 */
function parseJsonBody(
  _request: FastifyRequest,
  body: string | Buffer,
  done: (error: Error | null, value?: unknown) => void,
): void {
  const text = body.toString();
  if (text.trim() === '') {
    done(null, undefined);
    return;
  }
  try {
    done(null, JSON.parse(text));
  } catch {
    done(
      new BadRequestError(
        `The request body is not valid JSON: send an object such as ${EXAMPLE_BODY}.`,
      ),
    );
  }
}

class BadRequestError extends Error {
  readonly statusCode = 400;
}

function createUser(
  context: AdminContext,
  request: FastifyRequest,
  reply: FastifyReply,
): FastifyReply {
  const body: unknown = request.body;
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return sendError(
      reply,
      400,
      `The request body must be a JSON object such as ${EXAMPLE_BODY}, sent with Content-Type: application/json.`,
    );
  }
  const { username, pin } = body as Record<string, unknown>;
  try {
    validateUsername(username);
    if (typeof pin !== 'string') {
      throw new InvalidUserError(
        'The PIN is missing or not a string: send 4 to 10 digits as a string, such as "pin":"1234".',
      );
    }
    if (context.directory.addUser(username, pin) === 'exists') {
      return sendError(
        reply,
        409,
        `A user named "${username}" already exists: choose another username.`,
      );
    }
  } catch (error) {
    if (error instanceof InvalidUserError) {
      return sendError(reply, 400, error.message);
    }
    throw error;
  }
  request.log.info({ username }, 'user created');
  return reply.code(201).send({ username });
}

function issueProvisionCode(
  context: AdminContext,
  request: FastifyRequest<{ Params: UsernameParams }>,
  reply: FastifyReply,
): FastifyReply {
  const { username } = request.params;
  if (!context.directory.hasUser(username))
    return userNotFound(reply, username);
  const origin = resolvePublicOrigin(
    context.publicUrl,
    request,
    context.trustProxy,
  ).origin;
  const issued = context.directory.issueProvisionCode(username);
  if (issued === undefined) return userNotFound(reply, username);

  const segments = [context.siteId, username, issued.code];
  const path = segments.map(encodeURIComponent).join('/');
  const expiresAt = new Date(issued.expiresAt).toISOString();
  request.log.info({ username, expiresAt }, 'provision code issued');
  return reply.code(201).send({
    code: issued.code,
    activateUrl: `${origin}/smc/complete/${path}`,
    expiresAt,
  });
}

function showUser(
  context: AdminContext,
  request: FastifyRequest<{ Params: UsernameParams }>,
  reply: FastifyReply,
): FastifyReply {
  const { username } = request.params;
  const user = context.directory.getUser(username);
  if (user === undefined) return userNotFound(reply, username);
  return reply.send(user);
}

function userNotFound(reply: FastifyReply, username: string): FastifyReply {
  return sendError(
    reply,
    404,
    `No user named "${username}" exists: create it first with POST /admin/users.`,
  );
}

/**
 * Replies `{"error": message}` and logs the message, which never contains a
 * PIN or provision code.
 */
function sendError(
  reply: FastifyReply,
  statusCode: number,
  message: string,
): FastifyReply {
  reply.log.info({ statusCode, reason: message }, 'admin request rejected');
  return reply.code(statusCode).send({ error: message });
}

/**
 * Replies `{"error": message}` for errors thrown while reading or handling
 * an admin request, such as a body over the size limit.
 */
function replyWithAdminError(
  error: FastifyError,
  request: FastifyRequest,
  reply: FastifyReply,
): FastifyReply {
  if (error instanceof InvalidHostError) {
    return sendError(reply, 400, error.message);
  }
  const statusCode = error.statusCode ?? 500;
  if (statusCode >= 500) {
    request.log.error({ err: error }, 'admin request failed');
    return reply.code(500).send({
      error:
        'The server failed to handle the request: see the server log for the error.',
    });
  }
  return sendError(reply, statusCode, describeClientError(error));
}

function describeClientError(error: FastifyError): string {
  switch (error.code) {
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return `The Content-Type is not supported: send JSON with Content-Type: application/json, such as ${EXAMPLE_BODY}.`;
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return 'The request body is too large: send at most 64 KiB of JSON.';
    default:
      return error.message;
  }
}
