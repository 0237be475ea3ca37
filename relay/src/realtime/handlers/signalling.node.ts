import { LIMITS } from '@parley/core';
import type { EventHandler } from './types.js';
import { identityRoom } from '../rooms.js';

/**
 * WebRTC signals and typing indicators go straight to the recipient's room with the sender set from the
 * authenticated identity, never from the payload. `delivered` is answered from this process's rooms first —
 * free, as cheap as a bare forwarder — and only when the recipient is not here and other relay processes
 * exist does it cost one adapter round trip. It means "a socket of the recipient was connected", not that
 * the peer processed the signal.
 */
export const signal: EventHandler<'signal'> = {
  // The documented limit applies to the whole signal: one limit, answered PAYLOAD_TOO_LARGE.
  maxBytes: LIMITS.maxSignalBytes,
  handle({ to, linkId, kind, data, account }, { hub, session }) {
    // `account` is the sender's own claim, forwarded unchanged: the receiver checks it against the signed list.
    const forwarded = { from: session.me, linkId, kind, data, ...(account === undefined ? {} : { account }) };
    hub.io.to(identityRoom(to)).emit('signal', forwarded);
    const here = hub.onlineHere(to);
    if (here || !hub.clustered) return { delivered: here };
    return hub.online(to).then((delivered) => ({ delivered }));
  },
};

export const typing: EventHandler<'typing'> = {
  fireAndForget: true,
  handle({ to, typing: isTyping }, { hub, session }) {
    hub.io.to(identityRoom(to)).emit('typing', { from: session.me, typing: isTyping });
    return {};
  },
};
