/** A setting the operator got wrong (flag, variable or file); the CLI prints the message and exits with status 2. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}
