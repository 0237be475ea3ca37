import { ParleyError, type SfuJoined } from '@parley/core';
import type { SfuContext } from '../../context.js';
import type { Session } from '../session.node.js';
import type { SfuHandler } from './types.js';

/** Enters the room the token names: the token alone decides which room, so one room's token opens no other. */
export const join: SfuHandler<'join'> = {
  public: true,
  async handle(request, { ctx, session }) {
    const body = ctx.verifyToken(request.token, ctx.now());
    if (session.admitted && session.admitted.room !== body.room) {
      throw new ParleyError('CONFLICT', 'this connection belongs to another room');
    }
    if (request.observe === true && !ctx.config.observers)
      throw new ParleyError('ACCESS_DENIED', 'this call server admits no observers');
    session.admitted = {
      identity: body.identity,
      room: body.room,
      ...(request.observe === true ? { observer: true } : {}),
    };
    return enter(ctx, session);
  },
};

/** Enters the admitted room again after `room:restart`, without a new token. */
export const rejoin: SfuHandler<'rejoin'> = {
  public: true,
  async handle(_request, { ctx, session }) {
    if (!session.admitted) throw new ParleyError('AUTH_REQUIRED', 'join with a token first');
    return enter(ctx, session);
  },
};

export const leave: SfuHandler<'leave'> = {
  public: true,
  handle(_request, { ctx, session }) {
    leaveRoom(ctx, session);
    session.admitted = undefined;
    return {};
  },
};

async function enter(ctx: SfuContext, session: Session): Promise<SfuJoined> {
  const admitted = session.admitted;
  if (!admitted) throw new ParleyError('AUTH_REQUIRED', 'join with a token first');
  if (session.peer && !session.peer.isClosed) throw new ParleyError('CONFLICT', 'already in the room');
  const room = await ctx.rooms.open(admitted.room);
  const { peer, joined } = await room.join(
    admitted.identity,
    (event, payload) => session.socket.emit(event, payload as never),
    admitted.observer === true,
  );
  if (!session.socket.connected) {
    // The socket dropped while the room opened: nothing of this peer may stay behind.
    ctx.rooms.leave(room, peer);
    throw new ParleyError('CLOSED', 'disconnected');
  }
  session.room = room;
  session.peer = peer;
  return joined;
}

/** Closes everything the session's peer created (leave, disconnect). Idempotent. */
export function leaveRoom(ctx: SfuContext, session: Session): void {
  const { room, peer } = session;
  session.room = undefined;
  session.peer = undefined;
  if (room && peer) ctx.rooms.leave(room, peer);
}
