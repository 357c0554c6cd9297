import { ClientError, ClientErrorCode } from '../client/client-error.js';
import { LinkError } from '../link/parse-link.js';
import { ProtocolError } from '../protocol/protocol-error.js';
import { InputError } from './input-error.js';

/** A message for the user: a short title, what happened, and what to do next. */
export interface UserMessage {
  readonly title: string;
  readonly detail: string;
}

/** The server, Site ID and user involved in a failure, for the wording. */
export interface MessageContext {
  readonly host?: string;
  readonly siteId?: string;
  readonly username?: string;
}

/**
 * Chooses the message the user sees for a failure. Every message states what
 * went wrong and what to do next; developer detail stays in `error.message`.
 */
export function describeError(
  error: unknown,
  context: MessageContext = {},
): UserMessage {
  if (error instanceof InputError) {
    return { title: error.title, detail: error.message };
  }
  if (error instanceof LinkError) {
    return { title: 'This link cannot be used', detail: error.message };
  }
  if (error instanceof ClientError) return describeClientError(error, context);
  if (error instanceof ProtocolError) {
    return { title: 'Invalid server settings', detail: error.message };
  }
  return {
    title: 'Something went wrong',
    detail: `The app hit an unexpected error (${String(error)}). Nothing stored was changed. Reload the page and try again.`,
  };
}

function describeClientError(
  error: ClientError,
  context: MessageContext,
): UserMessage {
  const server = context.host ?? 'the server';
  const sentenceStart = context.host ?? 'The server';
  switch (error.code) {
    case ClientErrorCode.UnknownSiteId:
      return {
        title: 'Error Server, Unknown Server ID',
        detail: `No server is registered for Site ID "${context.siteId ?? ''}". Check the Site ID in your email or text message, or enter the server settings by hand.`,
      };
    case ClientErrorCode.Unreachable:
      return {
        title: 'Error Server Connection',
        detail: `Could not connect to ${server}. Check that you are online and try again. If it keeps failing, ask your administrator whether the server is up.`,
      };
    case ClientErrorCode.Timeout:
      return {
        title: 'Error Server Connection',
        detail: `${sentenceStart} did not reply in time. Check your connection and try again.`,
      };
    case ClientErrorCode.HttpError:
    case ClientErrorCode.MalformedReply:
      return {
        title: 'Error Server Connection',
        detail: `${sentenceStart} sent a reply this app cannot read (${asClause(error.message)}). Check the server settings, or ask your administrator.`,
      };
    case ClientErrorCode.UserNotFound:
      return {
        title: 'Invalid Username',
        detail: `The server has no user "${context.username ?? ''}". Check the spelling; it is the username you sign in with.`,
      };
    case ClientErrorCode.InvalidProvisionCode:
      return {
        title: 'Provision Failure',
        detail:
          'The provision code was not accepted. A code works only once, so request a new one from the User Portal or your administrator.',
      };
    case ClientErrorCode.ProvisionCodeExpired:
      return {
        title: 'Provision Failure',
        detail:
          'The provision code has expired. Request a new one from the User Portal or your administrator.',
      };
    case ClientErrorCode.NotProvisioned:
      return {
        title: 'Device no longer provisioned',
        detail:
          'The server no longer knows this device, usually because another device was provisioned for your account. Provision this device again to get new codes.',
      };
    case ClientErrorCode.Rejected:
      return {
        title: 'Request rejected',
        detail: `${sentenceStart} rejected the request (${asClause(error.message)}). Try again, or ask your administrator.`,
      };
  }
}

/**
 * Prepares developer detail for quoting inside a sentence: control
 * characters become visible as U+FFFD and a closing full stop is dropped.
 */
function asClause(detail: string): string {
  const printable = [...detail]
    .map((character) => {
      const code = character.charCodeAt(0);
      return code < 0x20 || code === 0x7f ? '\ufffd' : character;
    })
    .join('');
  return printable.replace(/[.\s]+$/, '');
}
