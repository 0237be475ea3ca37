/**
 * unverified: the user never compared safety numbers with this contact (or withdrew it);
 * verified: they did, for the identity key in use now;
 * changed: they did, but the contact's identity key is no longer the one they verified — show a warning
 * until they verify again.
 */
export type VerificationState = 'unverified' | 'verified' | 'changed';

export interface SafetyNumberView {
  /** 60 digits in 12 groups of five separated by spaces, as users compare them ("12345 67890 …"). */
  readonly digits: string;
  readonly groups: readonly string[];
  /** What this device's QR code shows; the other side scans it with `matchesSafetyQr`. */
  readonly qrPayload: Uint8Array;
}
