import { isParleyError, type LinkPhase } from '@parley/core';
import { errorText } from '../../ui/error-text.js';

/** What a link attempt's screen says in each phase, on either device. */
export function phaseText(phase: LinkPhase, side: 'existing' | 'new'): string {
  switch (phase) {
    case 'waiting':
      return side === 'existing'
        ? 'Scan this code, or paste the link, on the new device'
        : 'Waiting for your other device to answer…';
    case 'comparing':
      return side === 'existing'
        ? 'Check that the new device shows the same code'
        : 'Check that your other device shows the same code, and confirm there';
    case 'linked':
      return 'Linked';
    case 'transferring':
      return 'Moving your history…';
    case 'done':
      return 'Done: this account is on both devices';
    case 'declined':
      return 'Linking was declined';
    case 'failed':
      return 'Linking stopped';
  }
}

/** The history's progress as a whole percentage (0 while the total is unknown). */
export function percent(messages: number, total: number): number {
  if (total <= 0) return messages > 0 ? 100 : 0;
  return Math.min(100, Math.floor((messages / total) * 100));
}

/** Why a link attempt stopped, in the words of the person holding either device. */
export function linkErrorText(error: unknown): string {
  if (isParleyError(error)) {
    switch (error.code) {
      case 'ACCESS_DENIED':
        return 'Your other device declined the link.';
      case 'CHALLENGE_EXPIRED':
        return 'That link has expired. Show a new one on your other device.';
      case 'CONFLICT':
        return 'That link was used already. Show a new one on your other device.';
      case 'UNAVAILABLE':
        return 'Your other device is not connected. Keep Parley open on it, show a new link and try again.';
      case 'NOT_FOUND':
        return 'Your other device no longer knows that link. Show a new one and try again.';
      case 'DECRYPT_FAILED':
      case 'INVALID_SIGNATURE':
      case 'UNTRUSTED_IDENTITY':
        return 'The other device could not prove it holds that link. Show a new one and try again.';
      default:
        break;
    }
  }
  return errorText(error, 'Linking');
}

/**
 * What is wrong with a pasted or scanned link payload (parseLinkPayload's refusal), as a sentence that
 * says where a good one comes from.
 */
export function payloadErrorText(error: unknown): string {
  if (isParleyError(error, 'CHALLENGE_EXPIRED'))
    return 'That link has expired. Show a new one on your other device.';
  if (isParleyError(error, 'BAD_REQUEST') && /not a Parley device-link/u.test(error.message))
    return 'That is not a Parley device link. On your other device open Settings → Linked devices → Link a new device, and copy the link it shows.';
  return 'That device link is incomplete or damaged. Copy it again from your other device.';
}

/** How a device of this account is named in lists and dialogs. */
export function deviceName(deviceId: number): string {
  return deviceId === 1 ? 'Primary device' : `Device ${deviceId}`;
}
