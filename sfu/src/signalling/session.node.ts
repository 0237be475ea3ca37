import { ParleyError } from '@parley/core';
import type { Socket } from 'socket.io';
import type { Peer } from '../peers/peer.node.js';
import type { Room } from '../rooms/room.node.js';

/**
 * One signalling connection. `admitted` is what a verified join token granted (identity and room) and lasts
 * as long as the socket, so a peer told to rejoin after a worker death can, without a new token. `peer` is
 * its place in the room while it is in one.
 */
export class Session {
  /** `observer`: a test-only unseen consumer (SfuConfig.observers). */
  admitted: { identity: string; room: string; observer?: true } | undefined;
  room: Room | undefined;
  peer: Peer | undefined;

  constructor(readonly socket: Socket) {}

  /** The peer and room of a session that is in a room; throws otherwise. */
  inRoom(): { room: Room; peer: Peer } {
    const { room, peer } = this;
    if (!room || !peer) throw new ParleyError('AUTH_REQUIRED', 'join a room first');
    if (room.isClosed || peer.isClosed) throw new ParleyError('UNAVAILABLE', 'the room restarted; rejoin');
    return { room, peer };
  }
}
