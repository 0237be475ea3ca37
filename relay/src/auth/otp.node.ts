import { createHash } from 'node:crypto';

/** Sends per address are counted in windows of this length; housekeeping forgets older counters. */
export const OTP_SEND_WINDOW_MS = 60 * 60 * 1000;

/** A uniformly random 6-digit code; rejection sampling keeps `% 1e6` from favouring low codes. */
export function generateOtpCode(randomBytes: (length: number) => Uint8Array): string {
  const limit = Math.floor(0x1_0000_0000 / 1_000_000) * 1_000_000;
  for (;;) {
    const bytes = randomBytes(4);
    const value = new DataView(bytes.buffer, bytes.byteOffset, 4).getUint32(0, false);
    if (value < limit) return String(value % 1_000_000).padStart(6, '0');
  }
}

/** The store key for an address: the channel is part of it so an e-mail and a phone never share a code. */
export function otpAddressKey(channel: string, address: string): string {
  return `${channel}:${address.toLowerCase()}`;
}

/** Only this hash is stored, bound to the address so a leaked table row is not a code for another one. */
export function otpCodeHash(addressKey: string, code: string): string {
  return createHash('sha256').update(`${addressKey}\0${code}`).digest('hex');
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
