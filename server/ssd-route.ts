import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

import {
  SSD_LOOKUP_PATH,
  buildServerDetails,
  type ServerDetails,
} from '../src/protocol/ssd.js';
import { InvalidHostError, resolvePublicOrigin } from './public-origin.js';

/** Settings that the directory lookup uses. */
export interface SsdContext {
  readonly siteId: string;
  readonly context: string;
  readonly publicUrl: URL | undefined;
  readonly trustProxy: boolean;
}

const XML_CONTENT_TYPE = 'application/xml; charset=utf-8';

/**
 * Registers `GET /ssdserver/getServerDetails?id={siteId}`, the directory
 * lookup (SSD) of this one server.
 *
 * The Site ID is matched without regard to case, because users type it by
 * hand. Any other id, or none, gets `responseCode` 1.
 */
export function ssdRoute(app: FastifyInstance, context: SsdContext): void {
  app.get<{ Querystring: { id?: string | string[] } }>(
    SSD_LOOKUP_PATH,
    (request, reply) => lookUpSite(context, request, reply),
  );
}

function lookUpSite(
  context: SsdContext,
  request: FastifyRequest<{ Querystring: { id?: string | string[] } }>,
  reply: FastifyReply,
): FastifyReply {
  const { id } = request.query;
  const siteId = typeof id === 'string' ? id.trim() : '';
  reply.type(XML_CONTENT_TYPE).header('cache-control', 'no-cache');
  if (siteId.toLowerCase() !== context.siteId.toLowerCase()) {
    request.log.info({ siteId }, 'unknown Site ID');
    return reply.send(buildServerDetails(null));
  }
  let details: ServerDetails;
  try {
    const origin = resolvePublicOrigin(
      context.publicUrl,
      request,
      context.trustProxy,
    );
    details = {
      host: origin.host,
      port: origin.port,
      tls: origin.tls,
      context: context.context,
      pushSupport: false,
      local: false,
      pin: false,
      oath: false,
    };
  } catch (error) {
    if (!(error instanceof InvalidHostError)) throw error;
    request.log.info({ err: error }, 'directory lookup has an invalid Host');
    return reply
      .code(400)
      .type('text/plain; charset=utf-8')
      .send(error.message);
  }
  return reply.send(buildServerDetails(details));
}
