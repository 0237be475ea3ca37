import { isParleyError, type ErrorCode } from '@parley/core';

/*
 * What a person reads when something failed: a whole sentence in plain words, never a raw lower-case
 * message from the engine or the browser. Codes the person can do something about say what; the rest say
 * what happened in general and keep the detail after it, as a sentence too.
 */

const BY_CODE: Partial<Record<ErrorCode, string>> = {
  BAD_REQUEST: 'That was not accepted.',
  PAYLOAD_TOO_LARGE: 'That is too large to send.',
  RATE_LIMITED: 'Too many requests at once. Wait a moment and try again.',
  QUOTA_EXCEEDED: 'Your relay has no room left for this. Try again after some messages are delivered.',
  NOT_FOUND: 'That could not be found. It may have been deleted.',
  UNAVAILABLE: 'Your relay cannot be reached right now. Try again when you are back online.',
  INTERNAL: 'Your relay had a problem. Try again in a moment.',
  AUTH_REQUIRED: 'This device is not signed in to your relay yet. Try again in a moment.',
  AUTH_FAILED: 'Your relay did not recognise this device.',
  CHALLENGE_EXPIRED: 'Signing in to your relay took too long. Try again.',
  ACCESS_DENIED: 'You are not allowed to do that.',
  INVITE_INVALID: 'That invite is not valid on this relay.',
  OTP_INVALID: 'That code is not right. Check it and try again.',
  OTP_LOCKED: 'Too many wrong codes. Ask for a new one later.',
  USERNAME_TAKEN: 'That username is already taken. Try another one.',
  DECRYPT_FAILED: 'This could not be decrypted on this device.',
  UNTRUSTED_IDENTITY: 'This contact’s safety number changed. Check it in contact info before sending.',
  SESSION_NOT_FOUND: 'There is no secure session with this contact yet. Try again in a moment.',
  CLOSED: 'Parley was closing. Try again.',
};

/** The sentence for `error`; `doing` ("Sending the file") is put in front of a general one. */
export function errorText(error: unknown, doing?: string): string {
  if (isParleyError(error)) {
    const known = BY_CODE[error.code];
    if (known !== undefined) return known;
  }
  if (error instanceof DOMException || (error instanceof Error && error.name.endsWith('Error'))) {
    const known = DOM_ERRORS[error.name];
    if (known !== undefined) return known;
  }
  const detail = (error instanceof Error ? error.message : String(error)).trim();
  // Already written for a person (our own messages start with a capital): shown as it is.
  if (/^\p{Lu}/u.test(detail) && detail.includes(' ')) return detail;
  const lead = doing === undefined ? 'That did not work' : `${doing} did not work`;
  return detail === '' ? `${lead}.` : `${lead}: ${asSentence(detail)}`;
}

const DOM_ERRORS: Record<string, string> = {
  NotAllowedError:
    'Parley is not allowed to use that. Allow it in your browser’s site settings and try again.',
  NotFoundError: 'No microphone or camera was found on this device.',
  NotReadableError: 'Another app is using the microphone or camera.',
  QuotaExceededError: 'This device has no room left to store that.',
  AbortError: 'That was stopped before it finished.',
};

/** "socket closed" → "Socket closed." */
export function asSentence(text: string): string {
  const trimmed = text.trim().replace(/\s+/gu, ' ');
  if (trimmed === '') return '';
  const first = trimmed.charAt(0).toLocaleUpperCase() + trimmed.slice(1);
  return /[.!?…]$/u.test(first) ? first : `${first}.`;
}
