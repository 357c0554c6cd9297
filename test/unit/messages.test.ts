import { describe, expect, it } from 'vitest';

import { ClientError, ClientErrorCode } from '../../src/client/client-error.js';
import { LinkError } from '../../src/link/parse-link.js';
import {
  ProtocolError,
  ProtocolErrorCode,
} from '../../src/protocol/protocol-error.js';
import { InputError } from '../../src/provisioning/input-error.js';
import { describeError } from '../../src/provisioning/messages.js';

/** The title each client error code shows, as Swivel's apps word them where they exist. */
const TITLES: Readonly<Record<ClientErrorCode, string>> = {
  UNKNOWN_SITE_ID: 'Error Server, Unknown Server ID',
  UNREACHABLE: 'Error Server Connection',
  TIMEOUT: 'Error Server Connection',
  HTTP_ERROR: 'Error Server Connection',
  MALFORMED_REPLY: 'Error Server Connection',
  USER_NOT_FOUND: 'Invalid Username',
  INVALID_PROVISION_CODE: 'Provision Failure',
  PROVISION_CODE_EXPIRED: 'Provision Failure',
  NOT_PROVISIONED: 'Device no longer provisioned',
  REJECTED: 'Request rejected',
};

/** Words that start the next step the user should take. */
const NEXT_STEP =
  /\b(check|request|provision this device|try again|ask your administrator|enter)\b/i;

function clientError(code: ClientErrorCode): ClientError {
  return new ClientError(code, `Developer detail for ${code}.`);
}

const allCodes = Object.values(ClientErrorCode);

describe('describeError for ClientError', () => {
  it('covers every client error code', () => {
    expect(Object.keys(TITLES).sort()).toEqual([...allCodes].sort());
  });

  for (const code of allCodes) {
    it(`titles ${code}`, () => {
      const message = describeError(clientError(code));

      expect(message.title).toBe(TITLES[code]);
    });

    it(`tells next step for ${code}`, () => {
      const message = describeError(clientError(code), {
        host: 'swivel.example.com',
      });

      expect(message.detail).toMatch(NEXT_STEP);
    });
  }

  it('names Site ID for unknown server', () => {
    const message = describeError(clientError(ClientErrorCode.UnknownSiteId), {
      siteId: 'acme-01',
    });

    expect(message.detail).toContain('"acme-01"');
  });

  it('names username for unknown user', () => {
    const message = describeError(clientError(ClientErrorCode.UserNotFound), {
      username: 'alice',
    });

    expect(message.detail).toContain('"alice"');
  });

  it('names host when unreachable', () => {
    const message = describeError(clientError(ClientErrorCode.Unreachable), {
      host: 'swivel.example.com',
    });

    expect(message.detail).toContain('swivel.example.com');
  });

  it('shows developer detail for malformed reply', () => {
    const message = describeError(clientError(ClientErrorCode.MalformedReply));

    expect(message.detail).toContain('Developer detail for MALFORMED_REPLY');
  });

  it('tells user to request new code', () => {
    const message = describeError(
      clientError(ClientErrorCode.InvalidProvisionCode),
    );

    expect(message.detail).toMatch(/request a new one/i);
  });

  it('separates expired from invalid code', () => {
    const invalid = describeError(
      clientError(ClientErrorCode.InvalidProvisionCode),
    );
    const expired = describeError(
      clientError(ClientErrorCode.ProvisionCodeExpired),
    );

    expect(expired.detail).toContain('expired');
    expect(expired.detail).not.toBe(invalid.detail);
  });

  it('separates timeout from unreachable', () => {
    const timeout = describeError(clientError(ClientErrorCode.Timeout));
    const unreachable = describeError(clientError(ClientErrorCode.Unreachable));

    expect(timeout.detail).not.toBe(unreachable.detail);
  });

  for (const code of allCodes) {
    it(`capitalises ${code} detail without host`, () => {
      const message = describeError(clientError(code));

      expect(message.detail).toMatch(/^[A-Z]/);
    });
  }
});

describe('describeError for other errors', () => {
  it('shows InputError title and message', () => {
    const error = new InputError(
      'User not set',
      'Enter your username.',
      'username',
    );

    const message = describeError(error);

    expect(message).toEqual({
      title: 'User not set',
      detail: 'Enter your username.',
    });
  });

  it('titles LinkError', () => {
    const error = new LinkError('The link is empty.', '');

    const message = describeError(error);

    expect(message).toEqual({
      title: 'This link cannot be used',
      detail: 'The link is empty.',
    });
  });

  it('titles ProtocolError', () => {
    const error = new ProtocolError(
      ProtocolErrorCode.InvalidValue,
      '"70000" is not a valid port.',
    );

    const message = describeError(error);

    expect(message).toEqual({
      title: 'Invalid server settings',
      detail: '"70000" is not a valid port.',
    });
  });

  it('titles unexpected error', () => {
    const message = describeError(new TypeError('x is undefined'));

    expect(message.title).toBe('Something went wrong');
    expect(message.detail).toContain('TypeError: x is undefined');
    expect(message.detail).toContain('Reload the page and try again.');
  });

  it('describes thrown non-error value', () => {
    const message = describeError('plain text');

    expect(message.title).toBe('Something went wrong');
    expect(message.detail).toContain('plain text');
  });
});
