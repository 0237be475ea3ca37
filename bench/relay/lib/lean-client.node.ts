import { io, type Socket } from 'socket.io-client';
import {
  authChallengeMessage,
  relayHostOf,
  fromBase64Url,
  toBase64Url,
  type ClientToServerEvents,
  type ServerToClientEvents,
} from '@parley/core';
import type { BenchIdentity } from './identities.node.js';

/**
 * A bare-bones relay client for driving thousands of connections from one process: one WebSocket, no
 * reconnection, no schema validation of what arrives, native Ed25519 signing. The project's test client
 * does far more per connection; here the load generator must stay cheaper than the server it loads.
 */
export type RelaySocket = Socket<ServerToClientEvents, ClientToServerEvents>;

const CONNECT_TIMEOUT_MS = 30_000;

function socketFor(url: string, auth?: object): Socket {
  return io(url, {
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
    autoConnect: false,
    timeout: CONNECT_TIMEOUT_MS,
    ...(auth ? { auth } : {}),
  });
}

/**
 * Connects, answers the relay's challenge and resolves once the relay acks `auth` with ok. `prepare` adds
 * listeners before connecting, for events the relay sends right after auth (pending blobs).
 */
export function connectAuthenticated(
  url: string,
  identity: BenchIdentity,
  prepare?: (socket: RelaySocket) => void,
): Promise<RelaySocket> {
  const socket: RelaySocket = socketFor(url);
  prepare?.(socket);
  return new Promise<RelaySocket>((resolve, reject) => {
    // A relay that never challenges or never acks must not hang the bench.
    const timer = setTimeout(() => fail(new Error('auth handshake timed out')), CONNECT_TIMEOUT_MS);
    const fail = (error: Error) => {
      clearTimeout(timer);
      socket.disconnect();
      reject(error);
    };
    socket.once('connect_error', fail);
    socket.once('auth:challenge', (challenge) => {
      const relayHost = relayHostOf(url);
      const signature = identity.signer.sign(
        authChallengeMessage(
          fromBase64Url(challenge.nonce),
          identity.signer.publicKey,
          fromBase64Url(challenge.relayKey),
          relayHost,
        ),
      );
      const answer = { identity: identity.id, signature: toBase64Url(signature), relayHost };
      socket.emit('auth', answer, (result) => {
        if (!result.ok) return fail(new Error(`auth refused: ${result.error.code} ${result.error.message}`));
        clearTimeout(timer);
        resolve(socket);
      });
    });
    socket.connect();
  });
}

/** Connects to the bare forwarder, naming the identity in the handshake (nothing is signed or checked). */
export function connectBare(url: string, identity: BenchIdentity): Promise<RelaySocket> {
  const socket: RelaySocket = socketFor(url, { identity: identity.id });
  return new Promise<RelaySocket>((resolve, reject) => {
    socket.once('connect_error', (error) => {
      socket.disconnect();
      reject(error);
    });
    socket.once('connect', () => resolve(socket));
    socket.connect();
  });
}

/** Runs `task` for every item with at most `concurrency` in flight; resolves with results in input order. */
export async function pooled<T, R>(
  items: T[],
  concurrency: number,
  task: (item: T) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next;
      next += 1;
      results[index] = await task(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  return results;
}

export function closeAll(sockets: Iterable<{ disconnect(): unknown }>): void {
  for (const socket of sockets) socket.disconnect();
}
