/**
 * Encryption at rest for the vault: AES-GCM with a 256-bit key that WebCrypto
 * creates as non-extractable, so script can use it but never read it out.
 * The key lives in IndexedDB next to the data it protects, so the secrets
 * never appear as text in the browser's files or backups.
 * NOTE: Chromium 156 serialises the key's raw bytes into the same LevelDB
 * files, so a copy of the whole profile can be decrypted. Code running in
 * the page can also use the key. Only a secret that never touches the disk
 * would close this.
 */

/** A value encrypted with the vault key. */
export interface SealedValue {
  /** The 96-bit nonce, new for every encryption. */
  readonly iv: Uint8Array<ArrayBuffer>;
  /** Ciphertext followed by the 128-bit authentication tag. */
  readonly data: ArrayBuffer;
}

const ALGORITHM = 'AES-GCM';
const KEY_LENGTH = 256;
const IV_LENGTH = 12;

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Creates a new non-extractable vault key. */
export function createVaultKey(): Promise<CryptoKey> {
  return crypto.subtle.generateKey(
    { name: ALGORITHM, length: KEY_LENGTH },
    false,
    ['encrypt', 'decrypt'],
  );
}

/**
 * Encrypts `text`. `context` is authenticated with it (GCM additional data),
 * so a sealed value copied to another record fails to open.
 */
export async function seal(
  key: CryptoKey,
  text: string,
  context: string,
): Promise<SealedValue> {
  const iv = crypto.getRandomValues(new Uint8Array(IV_LENGTH));
  const data = await crypto.subtle.encrypt(
    { name: ALGORITHM, iv, additionalData: encoder.encode(context) },
    key,
    encoder.encode(text),
  );
  return { iv, data };
}

/**
 * Decrypts a value sealed with the same key and context.
 *
 * @throws DOMException `OperationError` when the key, the context or the
 *   ciphertext does not match, for example after tampering.
 */
export async function open(
  key: CryptoKey,
  sealed: SealedValue,
  context: string,
): Promise<string> {
  const plain = await crypto.subtle.decrypt(
    {
      name: ALGORITHM,
      iv: sealed.iv,
      additionalData: encoder.encode(context),
    },
    key,
    sealed.data,
  );
  return decoder.decode(plain);
}

/** Returns the additional data of a security string: its batch and index. */
export function stringContext(batchId: string, index: number): string {
  return `security-string:${batchId}:${index}`;
}

/** The additional data of the provision id. */
export const PROVISION_ID_CONTEXT = 'provision-id';
