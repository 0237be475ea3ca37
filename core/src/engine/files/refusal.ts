import { isParleyError } from '../../errors/index.js';

const MAX_REASON = 256;

/**
 * Why this device cannot take a file, in words fit for the sender: a ParleyError's own message (size limits,
 * a malformed announcement), or the platform's error reduced to its kind, so no local path or other detail
 * of this device's file system travels to the peer.
 */
export function refusalReason(error: unknown): string {
  if (isParleyError(error)) return `${error.code}: ${error.message}`.slice(0, MAX_REASON);
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  switch (code) {
    case 'ENOSPC':
    case 'EDQUOT':
      return 'not enough space on the recipient device';
    case 'EACCES':
    case 'EPERM':
    case 'EROFS':
      return 'the recipient device may not write the file';
    default:
      return 'the recipient device could not open a place for the file';
  }
}
