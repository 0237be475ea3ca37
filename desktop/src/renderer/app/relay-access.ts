import type { ParleyClientOptions } from '@parley/core';

/** A relay's access policy, as its `GET /v1/relay` reports it. */
export type RelayPolicy = 'open' | 'invite' | 'otp';

export async function fetchRelayPolicy(
  relayUrl: string,
  fetchImpl: (url: string) => Promise<{ ok: boolean; json(): Promise<unknown> }>,
): Promise<RelayPolicy> {
  const response = await fetchImpl(`${relayUrl}/v1/relay`);
  if (!response.ok) throw new Error('That address does not answer like a Parley relay');
  const body = (await response.json()) as { policy?: unknown };
  if (body.policy === 'open' || body.policy === 'invite' || body.policy === 'otp') return body.policy;
  throw new Error('That relay reports an access policy this version does not know');
}

/**
 * SEAM (relay access, branch `coreui`): turns what the person typed into ParleyClient options for a relay
 * that admits by invite or one-time code. ParleyClientOptions has no `access` option in this build, so a
 * relay that asks for one is refused here with a clear message instead of being attempted without it. When
 * the engine gains `access`, return it here; the onboarding form already collects the token or code.
 */
export function relayAccessOptions(
  policy: RelayPolicy,
  credential: string,
): Partial<Pick<ParleyClientOptions, 'relayUrl'>> {
  if (policy === 'open') return {};
  void credential;
  throw new Error(
    policy === 'invite'
      ? 'This relay admits people by invite, which this version of Parley cannot present yet.'
      : 'This relay admits people by one-time code, which this version of Parley cannot present yet.',
  );
}
