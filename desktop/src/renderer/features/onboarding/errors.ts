import { isParleyError } from '@parley/core';
import { errorText } from '../../ui/error-text.js';

/** A sentence for the person, from whatever a start or a request threw. */
export function describeError(error: unknown): string {
  if (isParleyError(error)) {
    switch (error.code) {
      case 'DECRYPT_FAILED':
        return 'That passphrase does not open the keys on this device';
      case 'ACCESS_DENIED':
      case 'INVITE_INVALID':
      case 'OTP_INVALID':
      case 'OTP_LOCKED':
        return `The relay refused access: ${error.message}`;
      default:
        return errorText(error);
    }
  }
  return errorText(error);
}
