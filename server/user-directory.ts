import {
  createHash,
  randomBytes,
  randomInt,
  timingSafeEqual,
} from 'node:crypto';

import { AgentErrorCode } from '../src/protocol/agent-xml.js';
import { extractOtc, isValidPin, parseTypedCode } from '../src/protocol/otc.js';
import {
  MAX_INDEX,
  type SecurityString,
} from '../src/protocol/security-strings.js';

/** Longest accepted username, in characters. */
export const MAX_USERNAME_LENGTH = 64;

/** Digits in a provision code. */
export const PROVISION_CODE_LENGTH = 10;

/** A username or PIN that breaks the rules. The message states what to send. */
export class InvalidUserError extends Error {
  override readonly name = 'InvalidUserError';
}

/** A provision code and the time it stops working, in milliseconds since 1970. */
export interface IssuedProvisionCode {
  readonly code: string;
  readonly expiresAt: number;
}

/** Outcome of {@link UserDirectory.provision}. */
export type ProvisionResult =
  | { readonly ok: true; readonly provisionId: string }
  | {
      readonly ok: false;
      readonly error:
        | typeof AgentErrorCode.UserNotFound
        | typeof AgentErrorCode.InvalidProvisionCode
        | typeof AgentErrorCode.ProvisionCodeExpired;
    };

/** Outcome of {@link UserDirectory.downloadStrings}. */
export type DownloadResult =
  | {
      readonly ok: true;
      readonly username: string;
      readonly strings: readonly SecurityString[];
    }
  | {
      readonly ok: false;
      readonly error: typeof AgentErrorCode.NotProvisioned;
    };

/** The reason a login passed or failed. Safe to log, because it contains no secret. */
export type LoginOutcome =
  | 'pass'
  | 'unknown-user'
  | 'not-provisioned'
  | 'no-strings'
  | 'no-index'
  | 'unknown-index'
  | 'index-used'
  | 'wrong-code';

/** One security string as the admin view shows it. */
export interface StringView {
  readonly index: number;
  readonly value: string;
  readonly used: boolean;
}

/** A user as the admin API shows it. The PIN is left out. */
export interface UserView {
  readonly username: string;
  readonly provisioned: boolean;
  /** The current batch, or empty before the first download. */
  readonly strings: readonly StringView[];
}

/** Settings of a {@link UserDirectory}. */
export interface UserDirectoryOptions {
  /** How long a provision code stays valid, in seconds. */
  readonly provisionCodeTtlSeconds: number;
  /** The current time in milliseconds since 1970. Defaults to `Date.now`. */
  readonly now?: () => number;
}

interface BatchEntry {
  readonly value: string;
  used: boolean;
}

interface UserRecord {
  readonly username: string;
  readonly pin: string;
  pendingCode: IssuedProvisionCode | undefined;
  provisionId: string | undefined;
  /** Entries by index, or undefined until the first download after provisioning. */
  batch: Map<number, BatchEntry> | undefined;
}

/**
 * The in-memory state of a Swivel server: users, provision codes, provisioned
 * devices and their security strings.
 *
 * Usernames are matched exactly, so `Alice` and `alice` are different users.
 * Every code and string comes from `node:crypto`.
 */
export class UserDirectory {
  private readonly users = new Map<string, UserRecord>();
  private readonly usersByProvisionId = new Map<string, UserRecord>();
  private readonly ttlMilliseconds: number;
  private readonly now: () => number;

  constructor(options: UserDirectoryOptions) {
    this.ttlMilliseconds = options.provisionCodeTtlSeconds * 1000;
    this.now = options.now ?? Date.now;
  }

  /**
   * Adds a user with a PIN of 4 to 10 digits.
   *
   * @returns `exists` without changing anything when the username is taken.
   * @throws InvalidUserError when the username or PIN breaks the rules.
   */
  addUser(username: string, pin: string): 'created' | 'exists' {
    validateUsername(username);
    if (!isValidPin(pin)) {
      throw new InvalidUserError(
        'The PIN must be 4 to 10 digits, sent as a string such as "1234".',
      );
    }
    if (this.users.has(username)) return 'exists';
    this.users.set(username, {
      username,
      pin,
      pendingCode: undefined,
      provisionId: undefined,
      batch: undefined,
    });
    return 'created';
  }

  /** Returns whether a user with exactly this name exists. */
  hasUser(username: string): boolean {
    return this.users.has(username);
  }

  /**
   * Issues a new 10-digit provision code that replaces any pending one and
   * expires after the configured time. Returns undefined for an unknown user.
   */
  issueProvisionCode(username: string): IssuedProvisionCode | undefined {
    const user = this.users.get(username);
    if (user === undefined) return undefined;
    const issued = {
      code: randomDigits(PROVISION_CODE_LENGTH),
      expiresAt: this.now() + this.ttlMilliseconds,
    };
    user.pendingCode = issued;
    return issued;
  }

  /**
   * Provisions a device with the pending provision code.
   *
   * Any attempt consumes the pending code, so a wrong code also burns the
   * right one. A code is expired from its `expiresAt` time on. On success the
   * previous provision id and its strings stop working, and the user has no
   * strings until the next download.
   */
  provision(username: string, code: string): ProvisionResult {
    const user = this.users.get(username);
    if (user === undefined) {
      return { ok: false, error: AgentErrorCode.UserNotFound };
    }
    const pending = user.pendingCode;
    user.pendingCode = undefined;
    if (pending === undefined || !equalSecrets(pending.code, code)) {
      return { ok: false, error: AgentErrorCode.InvalidProvisionCode };
    }
    if (this.now() >= pending.expiresAt) {
      return { ok: false, error: AgentErrorCode.ProvisionCodeExpired };
    }
    if (user.provisionId !== undefined) {
      this.usersByProvisionId.delete(user.provisionId);
    }
    const provisionId = randomBytes(16).toString('hex');
    user.provisionId = provisionId;
    user.batch = undefined;
    this.usersByProvisionId.set(provisionId, user);
    return { ok: true, provisionId };
  }

  /**
   * Generates a new batch of 99 unused strings of 10 random digits, indexes
   * 1 to 99, for the device with this provision id. The new batch replaces
   * the previous one whole.
   */
  downloadStrings(provisionId: string): DownloadResult {
    const user = this.usersByProvisionId.get(provisionId);
    if (user === undefined) {
      return { ok: false, error: AgentErrorCode.NotProvisioned };
    }
    const batch = new Map<number, BatchEntry>();
    const strings: SecurityString[] = [];
    for (let index = 1; index <= MAX_INDEX; index += 1) {
      const value = randomDigits(10);
      batch.set(index, { value, used: false });
      strings.push({ index, value });
    }
    user.batch = batch;
    return { ok: true, username: user.username, strings };
  }

  /**
   * Checks a typed one-time code, `nnnnnn` or `nnnn,nn`, where the last two
   * digits are the index. Any attempt on an existing index uses that index
   * up, whether it passes or fails. A code without an index is an SMS code,
   * which this server does not send, so it always fails.
   */
  login(username: string, typedCode: string): LoginOutcome {
    const user = this.users.get(username);
    if (user === undefined) return 'unknown-user';
    if (user.provisionId === undefined) return 'not-provisioned';
    if (user.batch === undefined) return 'no-strings';
    const typed = parseTypedCode(typedCode);
    if (typed === null) return 'no-index';
    const entry = user.batch.get(typed.index);
    if (entry === undefined) return 'unknown-index';
    if (entry.used) return 'index-used';
    entry.used = true;
    const expected = extractOtc(entry.value, user.pin);
    return equalSecrets(expected, typed.otc) ? 'pass' : 'wrong-code';
  }

  /** Returns the admin view of a user, or undefined for an unknown user. */
  getUser(username: string): UserView | undefined {
    const user = this.users.get(username);
    if (user === undefined) return undefined;
    const strings = [...(user.batch ?? new Map<number, BatchEntry>())].map(
      ([index, entry]) => ({ index, value: entry.value, used: entry.used }),
    );
    return {
      username,
      provisioned: user.provisionId !== undefined,
      strings,
    };
  }
}

/**
 * Throws InvalidUserError unless the username is a string of 1 to 64
 * characters that is not blank and has no control characters.
 */
export function validateUsername(
  username: unknown,
): asserts username is string {
  if (typeof username !== 'string') {
    throw new InvalidUserError(
      'The username is missing: send it as a string, such as {"username":"alice","pin":"1234"}.',
    );
  }
  if (username.trim() === '') {
    throw new InvalidUserError(
      'The username is blank: send a name with at least one visible character.',
    );
  }
  if (/\p{Cc}/u.test(username)) {
    throw new InvalidUserError(
      'The username contains control characters such as line breaks: use printable characters only.',
    );
  }
  const length = [...username].length;
  if (length > MAX_USERNAME_LENGTH) {
    throw new InvalidUserError(
      `The username has ${length} characters: use at most ${MAX_USERNAME_LENGTH}.`,
    );
  }
}

function randomDigits(count: number): string {
  return String(randomInt(0, 10 ** count)).padStart(count, '0');
}

/** Compares two secrets in time that does not depend on where they differ. */
export function equalSecrets(expected: string, actual: string): boolean {
  const digest = (text: string): Buffer =>
    createHash('sha256').update(text, 'utf8').digest();
  return timingSafeEqual(digest(expected), digest(actual));
}
