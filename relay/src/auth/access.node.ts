import { ParleyError, type AuthRequest } from '@parley/core';
import type { RelayConfig } from '../config.js';
import type { AccessStore } from '../store/types.js';
import { otpAddressKey, otpCodeHash, sha256Hex } from './otp.node.js';

/**
 * Applies the relay's access policy to an identity that has proven its key. An identity admitted once (by
 * invite or code) needs only its signature afterwards. Throws ACCESS_DENIED, INVITE_INVALID, OTP_INVALID or
 * OTP_LOCKED.
 */
export async function admitIdentity(
  access: AccessStore,
  config: RelayConfig['access'],
  request: AuthRequest,
  now: number,
): Promise<void> {
  if (config.policy === 'open') return;
  if (await access.isAdmitted(request.identity)) return;
  if (config.policy === 'invite') {
    if (request.invite === undefined) throw new ParleyError('ACCESS_DENIED', 'this relay requires an invite');
    if (!(await access.redeemInvite(sha256Hex(request.invite), now))) {
      throw new ParleyError('INVITE_INVALID', 'the invite is unknown, spent or expired');
    }
  } else {
    const otp = request.otp;
    if (otp === undefined) throw new ParleyError('ACCESS_DENIED', 'this relay requires a one-time code');
    const key = otpAddressKey(otp.channel, otp.address);
    const outcome = await access.checkOtp(key, otpCodeHash(key, otp.code), now, config.otpMaxAttempts);
    if (outcome === 'locked')
      throw new ParleyError('OTP_LOCKED', 'too many wrong codes; request a new one later');
    if (outcome !== 'ok') throw new ParleyError('OTP_INVALID', 'the code is wrong or expired');
  }
  await access.admit(request.identity, now);
}
