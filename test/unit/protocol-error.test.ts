import { describe, expect, it } from 'vitest';

import {
  ProtocolError,
  ProtocolErrorCode,
} from '../../src/protocol/protocol-error.js';

describe('ProtocolError', () => {
  it('is an Error', () => {
    const error = new ProtocolError(
      ProtocolErrorCode.MalformedXml,
      'Cut short.',
    );

    expect(error).toBeInstanceOf(Error);
  });

  it('has name ProtocolError', () => {
    const error = new ProtocolError(
      ProtocolErrorCode.MalformedXml,
      'Cut short.',
    );

    expect(error.name).toBe('ProtocolError');
  });

  it('keeps code and message', () => {
    const error = new ProtocolError(
      ProtocolErrorCode.UnknownSiteId,
      'No server.',
    );

    expect(error.code).toBe('UNKNOWN_SITE_ID');
    expect(error.message).toBe('No server.');
  });

  it('shows name in string form', () => {
    const error = new ProtocolError(
      ProtocolErrorCode.InvalidValue,
      'Bad port.',
    );

    expect(String(error)).toBe('ProtocolError: Bad port.');
  });
});

describe('ProtocolErrorCode', () => {
  it('lists stable code strings', () => {
    expect(ProtocolErrorCode).toEqual({
      MalformedXml: 'MALFORMED_XML',
      UnexpectedRoot: 'UNEXPECTED_ROOT',
      MissingElement: 'MISSING_ELEMENT',
      InvalidValue: 'INVALID_VALUE',
      UnknownSiteId: 'UNKNOWN_SITE_ID',
      MalformedBatch: 'MALFORMED_BATCH',
    });
  });

  it('has distinct codes', () => {
    const codes = Object.values(ProtocolErrorCode);

    expect(new Set(codes).size).toBe(codes.length);
  });
});
