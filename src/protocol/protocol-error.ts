/**
 * Stable codes for everything that can go wrong while reading or building a
 * Swivel message. The code is for programs and the message is for developers;
 * user-facing text is chosen by the app from the code.
 */
export const ProtocolErrorCode = {
  /** The text is not well-formed XML, or it was cut short. */
  MalformedXml: 'MALFORMED_XML',
  /** The XML is well formed but its root element is not the expected one. */
  UnexpectedRoot: 'UNEXPECTED_ROOT',
  /** A required element is missing or empty. */
  MissingElement: 'MISSING_ELEMENT',
  /** An element is present but its value is not allowed. */
  InvalidValue: 'INVALID_VALUE',
  /** The directory has no server for the Site ID. */
  UnknownSiteId: 'UNKNOWN_SITE_ID',
  /** A batch of security strings has a missing, duplicate or malformed entry. */
  MalformedBatch: 'MALFORMED_BATCH',
} as const;

export type ProtocolErrorCode =
  (typeof ProtocolErrorCode)[keyof typeof ProtocolErrorCode];

/** The only error type that the protocol readers and builders throw. */
export class ProtocolError extends Error {
  override readonly name = 'ProtocolError';

  constructor(
    readonly code: ProtocolErrorCode,
    message: string,
  ) {
    super(message);
  }
}
