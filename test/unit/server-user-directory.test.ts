import { describe, expect, it } from 'vitest';

import { AgentErrorCode } from '../../src/protocol/agent-xml.js';
import { extractOtc, formatTypedCode } from '../../src/protocol/otc.js';
import {
  InvalidUserError,
  UserDirectory,
} from '../../server/user-directory.js';

const TTL_SECONDS = 600;
const START = Date.UTC(2025, 0, 1);

/** Creates a directory whose clock moves only when `advance` is called. */
function makeDirectory(): {
  directory: UserDirectory;
  advance: (seconds: number) => void;
} {
  let now = START;
  const directory = new UserDirectory({
    provisionCodeTtlSeconds: TTL_SECONDS,
    now: () => now,
  });
  return {
    directory,
    advance: (seconds) => {
      now += seconds * 1000;
    },
  };
}

/** Adds `alice` with PIN 1234, provisions her and downloads one batch. */
function provisionedDirectory(pin = '1234'): {
  directory: UserDirectory;
  provisionId: string;
} {
  const { directory } = makeDirectory();
  directory.addUser('alice', pin);
  const issued = directory.issueProvisionCode('alice');
  if (issued === undefined) throw new Error('alice was not created');
  const result = directory.provision('alice', issued.code);
  if (!result.ok) throw new Error(`provision failed with ${result.error}`);
  directory.downloadStrings(result.provisionId);
  return { directory, provisionId: result.provisionId };
}

function stringAt(directory: UserDirectory, index: number): string {
  const entry = directory
    .getUser('alice')
    ?.strings.find((candidate) => candidate.index === index);
  if (entry === undefined) throw new Error(`no string at index ${index}`);
  return entry.value;
}

function isUsed(directory: UserDirectory, index: number): boolean | undefined {
  return directory
    .getUser('alice')
    ?.strings.find((candidate) => candidate.index === index)?.used;
}

describe('UserDirectory users', () => {
  it('adds a user once', () => {
    const { directory } = makeDirectory();
    expect(directory.addUser('alice', '1234')).toBe('created');
    expect(directory.addUser('alice', '9999')).toBe('exists');
    expect(directory.hasUser('alice')).toBe(true);
  });

  it('matches usernames exactly', () => {
    const { directory } = makeDirectory();
    directory.addUser('alice', '1234');
    expect(directory.hasUser('Alice')).toBe(false);
  });

  it.each(['123', '12345678901', '12a4', ' 1234', ''])(
    'rejects PIN %j',
    (pin) => {
      const { directory } = makeDirectory();
      expect(() => directory.addUser('alice', pin)).toThrow(InvalidUserError);
    },
  );

  it.each(['1234', '0000000000'])('accepts PIN %j', (pin) => {
    const { directory } = makeDirectory();
    expect(directory.addUser('alice', pin)).toBe('created');
  });

  it.each([
    ['blank', '   '],
    ['empty', ''],
    ['control character', 'al\nice'],
    ['65 characters', 'a'.repeat(65)],
  ])('rejects a %s username', (_case, username) => {
    const { directory } = makeDirectory();
    expect(() => directory.addUser(username, '1234')).toThrow(InvalidUserError);
  });

  it('accepts a 64-character username', () => {
    const { directory } = makeDirectory();
    expect(directory.addUser('é'.repeat(64), '1234')).toBe('created');
  });

  it('shows a new user as not provisioned', () => {
    const { directory } = makeDirectory();
    directory.addUser('alice', '1234');
    expect(directory.getUser('alice')).toEqual({
      username: 'alice',
      provisioned: false,
      strings: [],
    });
    expect(directory.getUser('bob')).toBeUndefined();
  });
});

describe('UserDirectory provision codes', () => {
  it('issues 10-digit codes that expire after the TTL', () => {
    const { directory } = makeDirectory();
    directory.addUser('alice', '1234');
    const issued = directory.issueProvisionCode('alice');
    expect(issued?.code).toMatch(/^\d{10}$/);
    expect(issued?.expiresAt).toBe(START + TTL_SECONDS * 1000);
  });

  it('returns no code for an unknown user', () => {
    const { directory } = makeDirectory();
    expect(directory.issueProvisionCode('bob')).toBeUndefined();
  });

  it('provisions with the pending code', () => {
    const { directory } = makeDirectory();
    directory.addUser('alice', '1234');
    const issued = directory.issueProvisionCode('alice');
    const result = directory.provision('alice', issued?.code ?? '');
    expect(result.ok).toBe(true);
    if (result.ok) expect(result.provisionId).toMatch(/^[0-9a-f]{32}$/);
    expect(directory.getUser('alice')?.provisioned).toBe(true);
    expect(directory.getUser('alice')?.strings).toEqual([]);
  });

  it('rejects an unknown user', () => {
    const { directory } = makeDirectory();
    expect(directory.provision('bob', '0123456789')).toEqual({
      ok: false,
      error: AgentErrorCode.UserNotFound,
    });
  });

  it('rejects a user with no pending code', () => {
    const { directory } = makeDirectory();
    directory.addUser('alice', '1234');
    expect(directory.provision('alice', '0123456789')).toEqual({
      ok: false,
      error: AgentErrorCode.InvalidProvisionCode,
    });
  });

  it('burns the code on a wrong attempt', () => {
    const { directory } = makeDirectory();
    directory.addUser('alice', '1234');
    const issued = directory.issueProvisionCode('alice');
    const wrong = issued?.code === '0000000000' ? '1111111111' : '0000000000';
    expect(directory.provision('alice', wrong)).toEqual({
      ok: false,
      error: AgentErrorCode.InvalidProvisionCode,
    });
    expect(directory.provision('alice', issued?.code ?? '')).toEqual({
      ok: false,
      error: AgentErrorCode.InvalidProvisionCode,
    });
  });

  it('burns the code on success', () => {
    const { directory } = makeDirectory();
    directory.addUser('alice', '1234');
    const code = directory.issueProvisionCode('alice')?.code ?? '';
    expect(directory.provision('alice', code).ok).toBe(true);
    expect(directory.provision('alice', code)).toEqual({
      ok: false,
      error: AgentErrorCode.InvalidProvisionCode,
    });
  });

  it('accepts a code just before expiry', () => {
    const { directory, advance } = makeDirectory();
    directory.addUser('alice', '1234');
    const code = directory.issueProvisionCode('alice')?.code ?? '';
    advance(TTL_SECONDS - 1);
    expect(directory.provision('alice', code).ok).toBe(true);
  });

  it('rejects a code at expiry', () => {
    const { directory, advance } = makeDirectory();
    directory.addUser('alice', '1234');
    const code = directory.issueProvisionCode('alice')?.code ?? '';
    advance(TTL_SECONDS);
    expect(directory.provision('alice', code)).toEqual({
      ok: false,
      error: AgentErrorCode.ProvisionCodeExpired,
    });
  });

  it('burns an expired code', () => {
    const { directory, advance } = makeDirectory();
    directory.addUser('alice', '1234');
    const code = directory.issueProvisionCode('alice')?.code ?? '';
    advance(TTL_SECONDS + 1);
    directory.provision('alice', code);
    expect(directory.provision('alice', code)).toEqual({
      ok: false,
      error: AgentErrorCode.InvalidProvisionCode,
    });
  });

  it('replaces a pending code with a new one', () => {
    const { directory } = makeDirectory();
    directory.addUser('alice', '1234');
    const first = directory.issueProvisionCode('alice')?.code ?? '';
    const second = directory.issueProvisionCode('alice')?.code ?? '';
    // Two random codes are equal with probability 1e-10.
    expect(directory.provision('alice', first).ok).toBe(first === second);
  });

  it('accepts the newest code', () => {
    const { directory } = makeDirectory();
    directory.addUser('alice', '1234');
    directory.issueProvisionCode('alice');
    const newest = directory.issueProvisionCode('alice')?.code ?? '';
    expect(directory.provision('alice', newest).ok).toBe(true);
  });

  it('keeps one device per user', () => {
    const { directory, provisionId: oldId } = provisionedDirectory();
    const code = directory.issueProvisionCode('alice')?.code ?? '';
    const result = directory.provision('alice', code);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.provisionId).not.toBe(oldId);
    expect(directory.downloadStrings(oldId)).toEqual({
      ok: false,
      error: AgentErrorCode.NotProvisioned,
    });
    expect(directory.getUser('alice')?.strings).toEqual([]);
    expect(directory.downloadStrings(result.provisionId).ok).toBe(true);
  });

  it('invalidates old strings on a new provision', () => {
    const { directory } = provisionedDirectory();
    const oldValue = stringAt(directory, 1);
    const code = directory.issueProvisionCode('alice')?.code ?? '';
    directory.provision('alice', code);
    const typed = formatTypedCode(extractOtc(oldValue, '1234'), 1);
    expect(directory.login('alice', typed)).toBe('no-strings');
  });
});

describe('UserDirectory security strings', () => {
  it('downloads 99 unused digit strings', () => {
    const { directory, provisionId } = provisionedDirectory();
    const result = directory.downloadStrings(provisionId);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.username).toBe('alice');
    expect(result.strings).toHaveLength(99);
    expect(result.strings.map((entry) => entry.index)).toEqual(
      Array.from({ length: 99 }, (_, position) => position + 1),
    );
    for (const entry of result.strings) {
      expect(entry.value).toMatch(/^\d{10}$/);
    }
    const view = directory.getUser('alice');
    expect(view?.strings.every((entry) => !entry.used)).toBe(true);
  });

  it('rejects an unknown provision id', () => {
    const { directory } = makeDirectory();
    expect(directory.downloadStrings('0'.repeat(32))).toEqual({
      ok: false,
      error: AgentErrorCode.NotProvisioned,
    });
  });

  it('replaces the batch whole', () => {
    const { directory, provisionId } = provisionedDirectory();
    const before = directory.getUser('alice')?.strings ?? [];
    directory.login(
      'alice',
      formatTypedCode(extractOtc(stringAt(directory, 5), '1234'), 5),
    );
    const result = directory.downloadStrings(provisionId);
    expect(result.ok).toBe(true);
    const after = directory.getUser('alice')?.strings ?? [];
    expect(after).toHaveLength(99);
    expect(after.every((entry) => !entry.used)).toBe(true);
    expect(after.map((entry) => entry.value)).not.toEqual(
      before.map((entry) => entry.value),
    );
    if (result.ok) {
      expect(result.strings.map((entry) => entry.value)).toEqual(
        after.map((entry) => entry.value),
      );
    }
  });
});

describe('UserDirectory login', () => {
  it('accepts the plain format', () => {
    const { directory } = provisionedDirectory('3759');
    const otc = extractOtc(stringAt(directory, 12), '3759');
    expect(directory.login('alice', `${otc}12`)).toBe('pass');
  });

  it('accepts the comma format', () => {
    const { directory } = provisionedDirectory('3759');
    const otc = extractOtc(stringAt(directory, 7), '3759');
    expect(directory.login('alice', `${otc},07`)).toBe('pass');
  });

  it('accepts a 10-digit PIN', () => {
    const { directory } = provisionedDirectory('9876543210');
    const otc = extractOtc(stringAt(directory, 99), '9876543210');
    expect(directory.login('alice', `${otc}99`)).toBe('pass');
  });

  it('uses each index once', () => {
    const { directory } = provisionedDirectory();
    const typed = formatTypedCode(
      extractOtc(stringAt(directory, 3), '1234'),
      3,
    );
    expect(directory.login('alice', typed)).toBe('pass');
    expect(isUsed(directory, 3)).toBe(true);
    expect(directory.login('alice', typed)).toBe('index-used');
  });

  it('uses the index on a wrong code', () => {
    const { directory } = provisionedDirectory();
    const otc = extractOtc(stringAt(directory, 4), '1234');
    const wrong = otc === '0000' ? '1111' : '0000';
    expect(directory.login('alice', `${wrong}04`)).toBe('wrong-code');
    expect(isUsed(directory, 4)).toBe(true);
    expect(directory.login('alice', `${otc}04`)).toBe('index-used');
  });

  it('leaves other indexes unused', () => {
    const { directory } = provisionedDirectory();
    directory.login('alice', '000004');
    expect(isUsed(directory, 3)).toBe(false);
    expect(isUsed(directory, 5)).toBe(false);
  });

  it('rejects a code whose length differs from the PIN', () => {
    const { directory } = provisionedDirectory();
    const otc = extractOtc(stringAt(directory, 8), '1234');
    expect(directory.login('alice', `${otc}0,08`)).toBe('wrong-code');
  });

  it('rejects an SMS-style code without index', () => {
    const { directory } = provisionedDirectory();
    expect(directory.login('alice', '123')).toBe('no-index');
    expect(directory.login('alice', '')).toBe('no-index');
    expect(directory.login('alice', '1234,')).toBe('no-index');
  });

  it('rejects index 00', () => {
    const { directory } = provisionedDirectory();
    expect(directory.login('alice', '123400')).toBe('no-index');
  });

  it('rejects an unknown user', () => {
    const { directory } = provisionedDirectory();
    expect(directory.login('bob', '123401')).toBe('unknown-user');
  });

  it('rejects a user never provisioned', () => {
    const { directory } = makeDirectory();
    directory.addUser('alice', '1234');
    expect(directory.login('alice', '123401')).toBe('not-provisioned');
  });

  it('rejects a provisioned user without strings', () => {
    const { directory } = makeDirectory();
    directory.addUser('alice', '1234');
    const code = directory.issueProvisionCode('alice')?.code ?? '';
    directory.provision('alice', code);
    expect(directory.login('alice', '123401')).toBe('no-strings');
  });
});
