/**
 * One error type for all of Parley, with a stable code from a closed set. The relay's error acks carry the
 * same codes, and docs/protocol.md lists them, so clients branch on `code`, never on message text.
 */
export const ERROR_CODES = [
  // Input and transport
  'BAD_REQUEST',
  'PAYLOAD_TOO_LARGE',
  'UNKNOWN_EVENT',
  'RATE_LIMITED',
  'QUOTA_EXCEEDED',
  'NOT_FOUND',
  'CONFLICT',
  'UNAVAILABLE',
  'INTERNAL',
  // Authentication and access policy
  'AUTH_REQUIRED',
  'AUTH_FAILED',
  'CHALLENGE_EXPIRED',
  'ALREADY_AUTHENTICATED',
  'ACCESS_DENIED',
  'INVITE_INVALID',
  'OTP_INVALID',
  'OTP_LOCKED',
  // Directory and store
  'USERNAME_TAKEN',
  'ALREADY_DELIVERED',
  // Cryptography
  'INVALID_SIGNATURE',
  'INVALID_KEY',
  'BAD_BUNDLE',
  'DECRYPT_FAILED',
  'DUPLICATE_MESSAGE',
  'TOO_MANY_SKIPPED',
  'SESSION_NOT_FOUND',
  'UNTRUSTED_IDENTITY',
  'TRUNCATED',
  'CLOSED',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

const codeSet: ReadonlySet<string> = new Set(ERROR_CODES);

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && codeSet.has(value);
}

export class ParleyError extends Error {
  override readonly name = 'ParleyError';
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

export function isParleyError(value: unknown, code?: ErrorCode): value is ParleyError {
  return value instanceof ParleyError && (code === undefined || value.code === code);
}
