import { ParleyError, type AuthRequest } from '@parley/core';
import type { RelayConfig } from '../config.js';
import type { HashPurpose } from '../store/keyed-hash.node.js';
import type { AccessStore } from '../store/types.js';
import { otpAddressKey, otpCodeHash, sha256Hex } from './otp.node.js';

export interface AdmissionInput {
  access: AccessStore;
  config: RelayConfig['access'];
  keyedHash: (purpose: HashPurpose, value: string) => string;
  /** Called once for an identity the relay has not seen before on an `open` relay; throws to refuse it. */
  admittingNew: () => void;
}

/**
 * Applies the relay's access policy to an identity that has proven its key. An identity admitted once (by
 * invite, code, or on an open relay) needs only its signature afterwards. Throws ACCESS_DENIED,
 * INVITE_INVALID, OTP_INVALID, OTP_LOCKED, or whatever `admittingNew` throws.
 */
export async function admitIdentity(input: AdmissionInput, request: AuthRequest, now: number): Promise<void> {
  const { access, config, keyedHash } = input;
  const identityHash = keyedHash('admitted', request.identity);
  if (await access.isAdmitted(identityHash)) return;
  if (config.policy === 'open') {
    input.admittingNew();
  } else if (config.policy === 'invite') {
    if (request.invite === undefined) throw new ParleyError('ACCESS_DENIED', 'this relay requires an invite');
    if (!(await access.redeemInvite(sha256Hex(request.invite), now))) {
      throw new ParleyError('INVITE_INVALID', 'the invite is unknown, spent or expired');
    }
  } else {
    const otp = request.otp;
    if (otp === undefined) throw new ParleyError('ACCESS_DENIED', 'this relay requires a one-time code');
    const key = keyedHash('otp', otpAddressKey(otp.channel, otp.address));
    const outcome = await access.checkOtp(key, otpCodeHash(key, otp.code), now, config.otpMaxAttempts);
    if (outcome === 'locked')
      throw new ParleyError('OTP_LOCKED', 'too many wrong codes; request a new one later');
    if (outcome !== 'ok') throw new ParleyError('OTP_INVALID', 'the code is wrong or expired');
  }
  await access.admit(identityHash);
}
