import { ParleyError, type SignedDeviceList } from '@parley/core';

/**
 * The one rule both back ends apply before replacing an account's device list: a higher counter wins; the
 * same list again (same counter and signature) is a retry; anything else would roll the account back or
 * fork it, and is refused with CONFLICT.
 */
export function refuseUnlessNewer(
  held: { counter: number; signature: string },
  list: Pick<SignedDeviceList, 'counter' | 'signature'>,
): void {
  if (list.counter > held.counter) return;
  if (list.counter === held.counter && list.signature === held.signature) return;
  throw new ParleyError(
    'CONFLICT',
    `device list counter ${list.counter} is not above the held ${held.counter}: an older or forked list`,
  );
}
