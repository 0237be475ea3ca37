import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { SfuClientToServerEvents, SfuServerToClientEvents } from '@parley/core';
import { Server } from 'socket.io';
import { createTokenVerifier } from './auth/join-token.node.js';
import type { SfuConfig } from './config.js';
import type { SfuContext } from './context.js';
import { opsHandler } from './ops/http.node.js';
import { createLogger } from './ops/logger.node.js';
import { createMetrics } from './ops/metrics.node.js';
import { RoomRegistry } from './rooms/registry.node.js';
import { createDispatcher } from './signalling/dispatch.node.js';
import { handlerTable } from './signalling/handlers/index.node.js';
import { leaveRoom } from './signalling/handlers/membership.node.js';
import { Session } from './signalling/session.node.js';
import { WorkerPool } from './workers/pool.node.js';

export interface Sfu {
  readonly context: SfuContext;
  /** http://host:port of the signalling endpoint. */
  readonly url: string;
  readonly port: number;
  /** Graceful: stops taking requests, lets running ones finish, closes every room and worker. Idempotent. */
  close(): Promise<void>;
}

/** Largest signalling message: SDP-sized RTP parameters of a simulcast producer fit many times over. */
const MAX_MESSAGE_BYTES = 64 * 1024;

export async function startSfu(config: SfuConfig, deps: { now?: () => number } = {}): Promise<Sfu> {
  const log = createLogger(config.logLevel);
  const pool = await WorkerPool.start(config, log);
  const rooms = new RoomRegistry(pool, config, log);
  const metrics = createMetrics(pool, rooms);
  pool.on('died', () => metrics.workerDeaths.inc());
  const context: SfuContext = {
    config,
    log,
    metrics,
    pool,
    rooms,
    verifyToken: createTokenVerifier(config.relayPublicKey),
    now: deps.now ?? Date.now,
  };
  let closing: Promise<void> | undefined;
  const http = createServer();
  const ops = opsHandler(context, () => closing !== undefined);
  const io = new Server<SfuClientToServerEvents, SfuServerToClientEvents>(http, {
    maxHttpBufferSize: MAX_MESSAGE_BYTES,
    // The join token is the gate (no cookies, no ambient authority), so any origin may try by default.
    cors: { origin: config.allowedOrigins.length > 0 ? config.allowedOrigins : true },
  });
  http.on('request', (req, res) => {
    // Socket.IO handles its own path on the same server; everything else is ops.
    if (req.url?.startsWith('/socket.io/')) return;
    ops(req, res).catch((error: unknown) => {
      log.error({ err: error }, 'ops request failed');
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });
  const dispatcher = createDispatcher(handlerTable, context);
  io.on('connection', (socket) => {
    const session = new Session(socket);
    socket.onAny((event: unknown, ...args: unknown[]) => dispatcher.dispatch(session, event, args));
    socket.on('disconnect', () => leaveRoom(context, session));
  });

  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(config.port, config.host, () => resolve());
  });
  const { port } = http.address() as AddressInfo;
  const shownHost = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
  log.info({ port, workers: pool.size }, 'parley-sfu listening');

  return {
    context,
    url: `http://${shownHost}:${port}`,
    port,
    close() {
      closing ??= (async () => {
        await dispatcher.close();
        rooms.closeAll();
        await new Promise<void>((resolve) => io.close(() => resolve()));
        pool.close();
        log.info('parley-sfu closed');
      })();
      return closing;
    },
  };
}
