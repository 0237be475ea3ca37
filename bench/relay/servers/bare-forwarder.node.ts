/**
 * The baseline for the signalling and memory benches: a bare Socket.IO server with the relay's transport
 * options that forwards `signal` to the room named by `to` and acks, exactly the routing the relay does,
 * minus everything Parley adds (challenge–response auth, schema validation, rate limits, metrics).
 * The client names its identity in the handshake's `auth` field; nothing checks it.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';
import { LIMITS } from '@parley/core';
import { serveParent } from '../lib/server-process.node.js';

interface ForwardedSignal {
  to: string;
  linkId: string;
  kind: string;
  data: unknown;
}

const http = createServer();
const io = new Server(http, {
  maxHttpBufferSize: LIMITS.maxPacketBytes,
  serveClient: false,
  pingInterval: 25_000,
  pingTimeout: 20_000,
});

io.on('connection', (socket) => {
  const identity = String((socket.handshake.auth as { identity?: unknown }).identity ?? socket.id);
  void socket.join(identity);
  socket.on('signal', (signal: ForwardedSignal, ack?: (result: object) => void) => {
    io.to(signal.to).emit('signal', {
      from: identity,
      linkId: signal.linkId,
      kind: signal.kind,
      data: signal.data,
    });
    ack?.({ ok: true, delivered: true });
  });
});

http.listen(0, '127.0.0.1', () => {
  serveParent((http.address() as AddressInfo).port, async () => {
    io.disconnectSockets(true);
    await new Promise<void>((resolve) => io.close(() => resolve()));
  });
});
