import { toBase64Url } from '@parley/core';
import type { Server, Socket } from 'socket.io';
import { createOtpSender } from '../auth/otp-sender.node.js';
import type { RelayContext } from '../context.js';
import { createDispatcher } from './dispatch.node.js';
import { issueChallenge } from './handlers/auth.node.js';
import { handlerTable } from './handlers/index.node.js';
import { Hub, type RoomProbe } from './hub.node.js';
import { Session } from './session.node.js';

export interface Realtime {
  /** Answers UNAVAILABLE to new events, waits for running handlers' store writes, then disconnects. Idempotent. */
  close(): Promise<void>;
}

/**
 * Wires the relay's realtime half onto a Socket.IO server: a challenge on connect, one dispatcher for every
 * event, presence and last-seen on disconnect. `ctx.config.redisAdapterUrl` tells it other processes exist.
 */
export function attachRealtime(io: Server, ctx: RelayContext, rooms: RoomProbe = {}): Realtime {
  const hub = new Hub(io, ctx, ctx.config.redisAdapterUrl !== undefined, rooms);
  const otpSender = createOtpSender(
    ctx.config.access.otpSender,
    ctx.log,
    toBase64Url(ctx.relayKey.publicKey),
  );
  const dispatcher = createDispatcher(handlerTable(otpSender, ctx), hub, ctx);
  const departures = new Set<Promise<void>>();
  let closing: Promise<void> | undefined;

  const onConnection = (socket: Socket) => {
    if (closing) {
      socket.disconnect(true);
      return;
    }
    const session = new Session(socket, ctx);
    ctx.metrics.connectedClients.inc();
    socket.onAny((event: unknown, ...args: unknown[]) => dispatcher.dispatch(session, event, args));
    socket.on('disconnect', () => {
      ctx.metrics.connectedClients.dec();
      clearTimeout(session.challengeTimer);
      const identity = session.identity;
      if (identity === undefined) return;
      ctx.metrics.authenticatedClients.dec();
      hub.remove(session, identity);
      const task = depart(identity).catch((error: unknown) =>
        ctx.log.error({ err: error }, 'recording a departure failed'),
      );
      departures.add(task);
      void task.finally(() => departures.delete(task));
    });
    issueChallenge(ctx, session);
  };

  /** Last seen is recorded per socket; "offline" is announced only when the identity's last socket left. */
  async function depart(identity: string): Promise<void> {
    await ctx.store.presence.setLastSeen(identity, ctx.now());
    if (!(await hub.online(identity))) await hub.announcePresence(identity, false);
  }

  io.on('connection', onConnection);

  return {
    close() {
      closing ??= (async () => {
        io.off('connection', onConnection);
        hub.closing = true;
        await dispatcher.close();
        // Disconnect here rather than leave it to the server, so departures are written before the store closes.
        io.local.disconnectSockets(true);
        while (departures.size > 0) await Promise.allSettled([...departures]);
      })();
      return closing;
    },
  };
}
