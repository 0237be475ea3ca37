import { ParleyError } from '../../errors/index.js';
import { concatBytes } from '../../protocol/encoding.js';
import { equalBytes } from '../bytes.js';
import { KDF_LABELS } from '../kdf/labels.js';
import { resolveOptions, type CryptoOptions } from '../options.js';

/** Signal's iteration count: makes finding a key with a colliding 30-digit half cost 2¹²-fold more. */
export const SAFETY_NUMBER_ITERATIONS = 5200;
const QR_VERSION = 1;
const FINGERPRINT_LENGTH = 30;

/** SHA-512 iterated over (label ‖ key), then 30 bytes as six 5-digit groups of 5 bytes mod 100000. */
export function fingerprint(identityKey: Uint8Array, options?: CryptoOptions): Uint8Array {
  if (identityKey.length !== 32) throw new ParleyError('INVALID_KEY', 'identity key must be 32 bytes');
  const { backend } = resolveOptions(options);
  let hash = backend.sha512(concatBytes(KDF_LABELS.safetyNumber, identityKey));
  const input = new Uint8Array(64 + 32);
  input.set(identityKey, 64);
  for (let i = 0; i < SAFETY_NUMBER_ITERATIONS; i++) {
    input.set(hash, 0);
    hash = backend.sha512(input);
  }
  return hash.slice(0, FINGERPRINT_LENGTH);
}

function digits(fingerprintBytes: Uint8Array): string {
  let out = '';
  for (let group = 0; group < 6; group++) {
    let value = 0;
    for (let i = 0; i < 5; i++) value = value * 256 + (fingerprintBytes[group * 5 + i] ?? 0);
    out += String(value % 100_000).padStart(5, '0');
  }
  return out;
}

export interface SafetyNumber {
  /** 60 digits, the lower half first, so both sides show the same number; display in 12 groups of five. */
  digits: string;
  /** version(1) ‖ my fingerprint(30) ‖ your fingerprint(30): what my QR code shows. */
  qrPayload: Uint8Array;
}

export function safetyNumber(
  localIdentityKey: Uint8Array,
  remoteIdentityKey: Uint8Array,
  options?: CryptoOptions,
): SafetyNumber {
  const local = fingerprint(localIdentityKey, options);
  const remote = fingerprint(remoteIdentityKey, options);
  const halves = [digits(local), digits(remote)].sort();
  return {
    digits: halves.join(''),
    qrPayload: concatBytes(new Uint8Array([QR_VERSION]), local, remote),
  };
}

/** True when the QR code scanned from the other phone shows the same pair of keys, seen from its side. */
export function matchesScannedQr(mine: SafetyNumber, scanned: Uint8Array): boolean {
  if (scanned.length !== 1 + 2 * FINGERPRINT_LENGTH || scanned[0] !== QR_VERSION) return false;
  const myLocal = mine.qrPayload.subarray(1, 1 + FINGERPRINT_LENGTH);
  const myRemote = mine.qrPayload.subarray(1 + FINGERPRINT_LENGTH);
  return (
    equalBytes(scanned.subarray(1, 1 + FINGERPRINT_LENGTH), myRemote) &&
    equalBytes(scanned.subarray(1 + FINGERPRINT_LENGTH), myLocal)
  );
}

/** "12345 67890 …" for display. */
export function formatSafetyNumber(number: SafetyNumber): string {
  return number.digits.match(/.{5}/g)?.join(' ') ?? number.digits;
}
