import { describe, expect, it } from 'vitest';

import {
  createVaultKey,
  open,
  PROVISION_ID_CONTEXT,
  seal,
  stringContext,
} from '../../src/storage/vault-crypto.js';

async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('Expected the promise to reject, but it resolved.');
}

/** Returns whether `bytes` contains the UTF-8 encoding of `text`. */
function containsUtf8(bytes: Uint8Array, text: string): boolean {
  const needle = new TextEncoder().encode(text);
  for (let start = 0; start + needle.length <= bytes.length; start += 1) {
    if (needle.every((byte, offset) => bytes[start + offset] === byte)) {
      return true;
    }
  }
  return false;
}

const context = stringContext('batch-1', 7);

/**
 * The name of the error that exporting a non-extractable key raises. The
 * WebCrypto specification names it InvalidAccessError, but Node 20 raises
 * InvalidAccessException.
 */
const invalidAccess = expect.stringMatching(/^InvalidAccess(Error|Exception)$/);

describe('createVaultKey', () => {
  it('creates AES-GCM 256-bit key', async () => {
    const key = await createVaultKey();

    expect(key.type).toBe('secret');
    expect(key.algorithm).toEqual({ name: 'AES-GCM', length: 256 });
  });

  it('creates non-extractable key', async () => {
    const key = await createVaultKey();

    expect(key.extractable).toBe(false);
  });

  it('allows only encrypt and decrypt', async () => {
    const key = await createVaultKey();

    expect([...key.usages].sort()).toEqual(['decrypt', 'encrypt']);
  });

  it('rejects raw export', async () => {
    const key = await createVaultKey();

    const error = await rejectionOf(crypto.subtle.exportKey('raw', key));

    expect(error).toBeInstanceOf(DOMException);
    expect(error).toHaveProperty('name', invalidAccess);
  });

  it('rejects JWK export', async () => {
    const key = await createVaultKey();

    const error = await rejectionOf(crypto.subtle.exportKey('jwk', key));

    expect(error).toBeInstanceOf(DOMException);
    expect(error).toHaveProperty('name', invalidAccess);
  });

  it('creates distinct keys', async () => {
    const first = await createVaultKey();
    const second = await createVaultKey();
    const sealed = await seal(first, '7469832160', context);

    const error = await rejectionOf(open(second, sealed, context));

    expect(error).toHaveProperty('name', 'OperationError');
  });
});

describe('seal and open', () => {
  it('round-trips text', async () => {
    const key = await createVaultKey();

    const sealed = await seal(key, '7469832160', context);

    expect(await open(key, sealed, context)).toBe('7469832160');
  });

  it('round-trips empty and non-ASCII text', async () => {
    const key = await createVaultKey();

    const empty = await seal(key, '', context);
    const accented = await seal(key, 'Zürich ✓', context);

    expect(await open(key, empty, context)).toBe('');
    expect(await open(key, accented, context)).toBe('Zürich ✓');
  });

  it('uses 96-bit nonce', async () => {
    const key = await createVaultKey();

    const sealed = await seal(key, '7469832160', context);

    expect(sealed.iv).toBeInstanceOf(Uint8Array);
    expect(sealed.iv.byteLength).toBe(12);
  });

  it('appends 128-bit tag', async () => {
    const key = await createVaultKey();

    const sealed = await seal(key, '7469832160', context);

    expect(sealed.data).toBeInstanceOf(ArrayBuffer);
    expect(sealed.data.byteLength).toBe(10 + 16);
  });

  it('uses fresh nonce per seal', async () => {
    const key = await createVaultKey();

    const first = await seal(key, '7469832160', context);
    const second = await seal(key, '7469832160', context);

    expect(first.iv).not.toEqual(second.iv);
    expect(new Uint8Array(first.data)).not.toEqual(new Uint8Array(second.data));
  });

  it('hides plaintext in ciphertext', async () => {
    const key = await createVaultKey();

    const sealed = await seal(key, '7469832160', context);

    expect(containsUtf8(new Uint8Array(sealed.data), '7469832160')).toBe(false);
    expect(containsUtf8(sealed.iv, '7469832160')).toBe(false);
  });

  it('rejects another context', async () => {
    const key = await createVaultKey();
    const sealed = await seal(key, '7469832160', context);

    const error = await rejectionOf(
      open(key, sealed, stringContext('batch-1', 8)),
    );

    expect(error).toBeInstanceOf(DOMException);
    expect(error).toHaveProperty('name', 'OperationError');
  });

  it('rejects tampered ciphertext', async () => {
    const key = await createVaultKey();
    const sealed = await seal(key, '7469832160', context);
    const data = new Uint8Array(sealed.data.slice(0));
    data[0] = (data[0] ?? 0) ^ 1;

    const error = await rejectionOf(
      open(key, { iv: sealed.iv, data: data.buffer }, context),
    );

    expect(error).toHaveProperty('name', 'OperationError');
  });

  it('rejects tampered nonce', async () => {
    const key = await createVaultKey();
    const sealed = await seal(key, '7469832160', context);
    const iv = sealed.iv.slice();
    iv[0] = (iv[0] ?? 0) ^ 1;

    const error = await rejectionOf(
      open(key, { iv, data: sealed.data }, context),
    );

    expect(error).toHaveProperty('name', 'OperationError');
  });

  it('survives structured clone', async () => {
    const key = await createVaultKey();
    const sealed = await seal(key, '7469832160', context);

    const copy = structuredClone({ key, sealed });

    expect(await open(copy.key, copy.sealed, context)).toBe('7469832160');
  });
});

describe('contexts', () => {
  it('binds batch and index', () => {
    expect(stringContext('batch-1', 7)).toBe('security-string:batch-1:7');
  });

  it('differs by batch', () => {
    expect(stringContext('batch-1', 7)).not.toBe(stringContext('batch-2', 7));
  });

  it('differs by index', () => {
    expect(stringContext('batch-1', 7)).not.toBe(stringContext('batch-1', 17));
  });

  it('separates provision id', async () => {
    const key = await createVaultKey();
    const sealed = await seal(
      key,
      '0123456789abcdef0123456789abcdef',
      PROVISION_ID_CONTEXT,
    );

    const error = await rejectionOf(open(key, sealed, context));

    expect(PROVISION_ID_CONTEXT).toBe('provision-id');
    expect(error).toHaveProperty('name', 'OperationError');
  });
});
