import { isParleyError } from '@parley/core';
import { errorText } from '../../ui/error-text.js';

/**
 * The sentence a person reads when a group call cannot start or goes wrong. The codes mean something
 * different here than in messaging: UNAVAILABLE from the relay is "no call server", AUTH_FAILED from the SFU
 * is a ticket it refused.
 */
export function callErrorText(error: unknown): string {
  if (error instanceof DOMException && (error.name === 'NotAllowedError' || error.name === 'NotFoundError'))
    return 'Parley could not use your camera or microphone. Check the browser’s permissions and try again.';
  if (isParleyError(error, 'UNAVAILABLE'))
    return 'Group calls are not available: your relay runs no call server, or it cannot be reached.';
  if (isParleyError(error, 'AUTH_FAILED'))
    return 'The call server refused this device’s ticket. Try joining again.';
  if (isParleyError(error, 'ACCESS_DENIED'))
    return 'You are no longer a member of this group, so you cannot join its call.';
  return errorText(error);
}
