import type { AccessPolicy, FetchLike, OtpAddress, RelayAccess } from '@parley/core';

/** A relay's access policy, as its `GET /v1/relay` reports it. */
export type RelayPolicy = AccessPolicy;

export async function fetchRelayPolicy(relayUrl: string, fetchImpl: FetchLike): Promise<RelayPolicy> {
  const { fetchRelayInfo } = await import('@parley/core'); // core stays off the first screen's load
  return (await fetchRelayInfo(relayUrl, fetchImpl)).policy;
}

/** What onboarding collected for a relay that is not open: an invite, or a code sent to an address. */
export interface AccessInput {
  readonly invite: string;
  readonly otpAddress: string;
  readonly code: string;
}

/** Where a one-time code goes, from what was typed: a phone number (E.164, spaces allowed) or an e-mail. */
export function otpAddressFrom(typed: string): OtpAddress {
  const value = typed.trim();
  if (value.includes('@')) return { channel: 'email', address: value };
  const phone = value.replace(/[\s().-]/gu, '');
  if (!/^\+[0-9]{6,15}$/u.test(phone))
    throw new Error('Enter a phone number with its country code (like +44 7700 900123) or an e-mail address');
  return { channel: 'sms', address: phone };
}

/**
 * Turns what the person typed into ParleyClient's `access` option for the relay's policy (none when it is
 * open), or throws a sentence the form shows; the engine checks the credential again at start.
 */
export function relayAccessOptions(
  policy: RelayPolicy,
  input: AccessInput,
): { readonly access?: RelayAccess } {
  if (policy === 'open') return {};
  if (policy === 'invite') {
    const invite = input.invite.trim();
    if (invite === '') throw new Error('This relay admits people by invite: paste your invite token');
    return { access: { invite } };
  }
  const code = input.code.replace(/\s/gu, '');
  if (!/^[0-9]{6}$/u.test(code)) throw new Error('Enter the 6-digit code the relay sent you');
  return { access: { otp: { ...otpAddressFrom(input.otpAddress), code } } };
}
