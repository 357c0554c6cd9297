/** One `Policy` element of a `SecurityStrings` response. */
export interface Policy {
  readonly id: string;
  readonly section: string;
  readonly show: string;
  /** The policy value, usually `ON` or `OFF`. */
  readonly value: string;
}

/** Ids of the policies the mobile client reads. Each is `ON` or `OFF`, off by default. */
export const PolicyId = {
  /** The app may ask for the PIN and show the finished one-time code. */
  AllowUserPin: 'AllowUserPIN',
  /** The user may choose between the finished code and reading the string. */
  AllowExtractChoice: 'AllowExtractChoice',
  /** The user may step back and forth through the strings. */
  AllowStringBrowsing: 'AllowStringBrowsing',
} as const;

/** Returns whether a policy is on. Missing policies are off, as on Swivel. */
export function isPolicyOn(
  policies: readonly Policy[] | undefined,
  id: string,
): boolean {
  const policy = policies?.find(
    (candidate) => candidate.id.toLowerCase() === id.toLowerCase(),
  );
  return (
    policy !== undefined && ON_VALUES.has(policy.value.trim().toLowerCase())
  );
}

const ON_VALUES = new Set(['on', 'yes', 'true', '1']);
