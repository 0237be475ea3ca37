import type { PresenceState } from '@parley/core';
import { watchRoom } from '../rooms.js';
import type { EventHandler } from './types.js';

// Lists of up to 5,000 identities (43 characters each).
const PRESENCE_MAX_BYTES = 320 * 1024;

export const setVisibility: EventHandler<'presence:visibility'> = {
  maxBytes: PRESENCE_MAX_BYTES,
  async handle({ allow, lastSeen }, { ctx, session }) {
    // Stored as keyed hashes: the store never holds a readable list of who may see whom.
    const hashes = [...new Set(allow)].map((watcher) => ctx.keyedHash('presence', watcher));
    await ctx.store.presence.setVisibility(session.me, { allow: hashes, lastSeen });
    return {};
  },
};

/**
 * Replaces this socket's presence subscription. The answer holds only the targets whose allow list names the
 * subscriber; the others are omitted rather than reported offline, which would be a lie, or "hidden", which
 * would tell them they were left out. The socket still watches every target it named, and each later change
 * is emitted only to the watchers the target allows at that moment, so granting access later just works.
 */
export const subscribePresence: EventHandler<'presence:subscribe'> = {
  maxBytes: PRESENCE_MAX_BYTES,
  async handle({ identities }, { ctx, hub, session }) {
    const me = ctx.keyedHash('presence', session.me);
    const targets = [...new Set(identities)];
    for (const old of session.watching) void session.socket.leave(watchRoom(old, me));
    session.watching = targets;
    await session.socket.join(targets.map((target) => watchRoom(target, me)));

    const visibilities = await Promise.all(targets.map((target) => ctx.store.presence.getVisibility(target)));
    const visible: Array<{ identity: string; lastSeen: boolean }> = [];
    visibilities.forEach((visibility, index) => {
      const target = targets[index];
      if (target !== undefined && visibility?.allow.includes(me)) {
        visible.push({ identity: target, lastSeen: visibility.lastSeen });
      }
    });
    const online = await hub.onlineAmong(visible.map((target) => target.identity));
    const presence: PresenceState[] = [];
    for (const target of visible) {
      const state: PresenceState = { identity: target.identity, online: online.has(target.identity) };
      if (!state.online && target.lastSeen) {
        const lastSeen = await ctx.store.presence.getLastSeen(target.identity);
        if (lastSeen !== null) state.lastSeen = lastSeen;
      }
      presence.push(state);
    }
    return { presence };
  },
};
