/** Input the user must correct before anything is sent. */
export class InputError extends Error {
  override readonly name = 'InputError';

  constructor(
    /** The short title shown to the user, such as "User not set". */
    readonly title: string,
    message: string,
    /** The form field to correct. */
    readonly field: 'siteId' | 'server' | 'username' | 'code',
  ) {
    super(message);
  }
}
