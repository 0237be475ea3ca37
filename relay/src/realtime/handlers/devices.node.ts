import { fromBase64Url, ParleyError, verifyDeviceList } from '@parley/core';
import { nodeNativeBackend } from '@parley/core/crypto/native';
import type { EventHandler } from './types.js';

/**
 * Linked devices (docs/crypto.md "Linked devices"). The relay checks a list as strictly as a client will
 * (shape, rules, the account key's signature) so it never stores one a client would refuse, and keeps the
 * highest counter per account: a replayed older list is refused with CONFLICT. Any device the list names may
 * publish it (the primary signs; a linked device may carry the primary's newest list to its relay).
 */
export const publishDeviceList: EventHandler<'devices:publish'> = {
  // Six devices of ~110 bytes each plus the signature.
  maxBytes: 4 * 1024,
  async handle({ list }, { ctx, session }) {
    const verified = verifyDeviceList(nodeNativeBackend, list);
    const me = fromBase64Url(session.me);
    const listed = verified.devices.some((device) =>
      device.identityKey.every((byte, index) => byte === me[index]),
    );
    if (!listed) throw new ParleyError('ACCESS_DENIED', 'only a device the list names may publish it');
    await ctx.store.directory.publishDeviceList(verified.signed);
    return { counter: verified.counter };
  },
};

/** The account's current list as published; clients verify it themselves and refuse a lower counter. */
export const fetchDeviceList: EventHandler<'devices:fetch'> = {
  async handle({ account }, { ctx }) {
    const list = await ctx.store.directory.deviceList(account);
    if (!list) throw new ParleyError('NOT_FOUND', 'that account has published no device list');
    return { list };
  },
};
