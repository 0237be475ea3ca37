import { encodeSfuToken, ParleyError } from '@parley/core';
import type { EventHandler } from './types.js';

/**
 * A join token for one SFU room, signed with the relay key for the authenticated identity. The relay does not
 * know group membership and does not need to: only a group's members can derive its room id (docs/sfu.md),
 * and the token opens that room and no other.
 */
export const sfuToken: EventHandler<'sfu:token'> = {
  handle(request, { ctx, session }) {
    const url = ctx.config.sfu.url;
    if (url === undefined) throw new ParleyError('UNAVAILABLE', 'this relay runs no SFU');
    const identity = session.me;
    const expiresAt = ctx.now() + ctx.config.sfu.tokenTtlSeconds * 1000;
    const token = encodeSfuToken({ v: 1, identity, room: request.room, exp: expiresAt }, ctx.relayKey.sign);
    return { token, url, expiresAt };
  },
};
