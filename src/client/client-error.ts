/** Reasons a request to a Swivel server or directory failed. */
export const ClientErrorCode = {
  /** The server could not be reached: offline, DNS, refused, or blocked. */
  Unreachable: 'UNREACHABLE',
  /** The server did not reply in time. */
  Timeout: 'TIMEOUT',
  /** The server replied with an HTTP error status. */
  HttpError: 'HTTP_ERROR',
  /** The reply was not the XML the protocol describes. */
  MalformedReply: 'MALFORMED_REPLY',
  /** The directory has no server for the Site ID. */
  UnknownSiteId: 'UNKNOWN_SITE_ID',
  /** The server has no such user. */
  UserNotFound: 'USER_NOT_FOUND',
  /** The provision code is wrong or was already used. */
  InvalidProvisionCode: 'INVALID_PROVISION_CODE',
  /** The provision code's validity period has passed. */
  ProvisionCodeExpired: 'PROVISION_CODE_EXPIRED',
  /** The provision id is unknown, usually because another device was provisioned. */
  NotProvisioned: 'NOT_PROVISIONED',
  /** The server returned FAIL for another reason. */
  Rejected: 'REJECTED',
} as const;

export type ClientErrorCode =
  (typeof ClientErrorCode)[keyof typeof ClientErrorCode];

/** A failed request, with a stable code for choosing the message shown to the user. */
export class ClientError extends Error {
  override readonly name = 'ClientError';

  constructor(
    readonly code: ClientErrorCode,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}
