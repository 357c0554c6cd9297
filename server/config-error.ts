/** An invalid setting. The message names the variable, the value and the fix. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}
