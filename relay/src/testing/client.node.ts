import { io, type Socket } from 'socket.io-client';
import nacl from 'tweetnacl';
import {
  authChallengeMessage,
  relayHostOf,
  fromBase64Url,
  toBase64Url,
  type AckResult,
  type AuthChallenge,
  type AuthResult,
  type ClientEventName,
  type ClientPayload,
  type ClientResponses,
  type ServerEventName,
  type ServerPayload,
} from '@parley/core';

export interface TestIdentity {
  /** base64url Ed25519 public key: the identity on the relay. */
  id: string;
  keys: nacl.SignKeyPair;
}

export function makeIdentity(seed?: Uint8Array): TestIdentity {
  const keys = seed ? nacl.sign.keyPair.fromSeed(seed) : nacl.sign.keyPair();
  return { id: toBase64Url(keys.publicKey), keys };
}

export interface ConnectOptions {
  identity?: TestIdentity;
  /** Credentials for the relay's access policy. */
  invite?: string;
  otp?: { channel: 'sms' | 'email'; address: string; code: string };
  /** Connect and receive the challenge, but do not answer it (handshake tests). */
  skipAuth?: boolean;
  /** Called with the socket before it connects, to listen for what the relay sends right after auth. */
  prepare?: (socket: Socket) => void;
  /** Ack timeout of `request`. */
  timeoutMs?: number;
  /** Extra handshake headers (X-Forwarded-For, as a reverse proxy would add). */
  headers?: Record<string, string>;
  /** For an https:// relay: the only certificate (PEM) this client trusts. */
  ca?: string;
}

export interface TestClient {
  readonly identity: string;
  readonly keys: nacl.SignKeyPair;
  readonly socket: Socket;
  /** The auth ack (undefined with skipAuth). */
  readonly auth: AuthResult | undefined;
  /** The latest challenge the relay sent. */
  challenge(): AuthChallenge;
  request<E extends ClientEventName>(
    event: E,
    payload: ClientPayload<E>,
  ): Promise<AckResult<ClientResponses[E]>>;
  /** Like `request`, but resolves the success body and throws on an error ack. */
  ok<E extends ClientEventName>(event: E, payload: ClientPayload<E>): Promise<ClientResponses[E]>;
  /** Resolves with the next `event` from the relay (buffered: events that already arrived count). */
  next<E extends ServerEventName>(event: E): Promise<ServerPayload<E>>;
  /** Everything received for `event` so far that `next` has not consumed. */
  received<E extends ServerEventName>(event: E): ServerPayload<E>[];
  /** Signs the latest challenge as this identity (or another key pair, for spoofing tests). */
  sign(keys?: nacl.SignKeyPair): string;
  /** The host this client dialled, which `sign` names and an `auth` request carries. */
  readonly relayHost: string;
  close(): void;
}

const BUFFERED: ServerEventName[] = [
  'auth:challenge',
  'signal',
  'typing',
  'presence',
  'blob',
  'blob:delivered',
  'prekeys:low',
];

/**
 * The relay test client: a real socket.io-client over WebSocket with a tweetnacl identity, answering the
 * challenge, with every server event buffered so a test can await it after it arrived.
 */
export async function connectClient(url: string, options: ConnectOptions = {}): Promise<TestClient> {
  const relayHost = relayHostOf(url);
  const identity = options.identity ?? makeIdentity();
  const timeoutMs = options.timeoutMs ?? 10_000;
  const socket = io(url, {
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
    autoConnect: false,
    ...(options.headers ? { extraHeaders: options.headers } : {}),
    ...(options.ca !== undefined ? { ca: options.ca } : {}),
  });
  const queues = new Map<string, unknown[]>();
  const waiters = new Map<string, Array<(value: unknown) => void>>();
  let latestChallenge: AuthChallenge | undefined;
  for (const event of BUFFERED) {
    socket.on(event as string, (payload: unknown) => {
      if (event === 'auth:challenge') latestChallenge = payload as AuthChallenge;
      const waiting = waiters.get(event)?.shift();
      if (waiting) waiting(payload);
      else {
        let queue = queues.get(event);
        if (!queue) queues.set(event, (queue = []));
        queue.push(payload);
      }
    });
  }

  const next = <E extends ServerEventName>(event: E) =>
    new Promise<ServerPayload<E>>((resolve, reject) => {
      const queued = queues.get(event);
      if (queued && queued.length > 0) return resolve(queued.shift() as ServerPayload<E>);
      const timer = setTimeout(() => reject(new Error(`no ${event} within ${timeoutMs} ms`)), timeoutMs);
      let list = waiters.get(event);
      if (!list) waiters.set(event, (list = []));
      list.push((value) => {
        clearTimeout(timer);
        resolve(value as ServerPayload<E>);
      });
    });

  const request = async <E extends ClientEventName>(event: E, payload: ClientPayload<E>) =>
    (await socket.timeout(timeoutMs).emitWithAck(event, payload)) as AckResult<ClientResponses[E]>;

  const sign = (keys: nacl.SignKeyPair = identity.keys) => {
    if (!latestChallenge) throw new Error('no challenge received yet');
    const message = authChallengeMessage(
      fromBase64Url(latestChallenge.nonce),
      identity.keys.publicKey,
      fromBase64Url(latestChallenge.relayKey),
      relayHost,
    );
    return toBase64Url(nacl.sign.detached(message, keys.secretKey));
  };

  options.prepare?.(socket);
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('connect_error', reject);
    socket.connect();
  });
  await next('auth:challenge');

  let authResult: AuthResult | undefined;
  if (!options.skipAuth) {
    const result = await request('auth', {
      identity: identity.id,
      signature: sign(),
      relayHost,
      ...(options.invite !== undefined ? { invite: options.invite } : {}),
      ...(options.otp !== undefined ? { otp: options.otp } : {}),
    });
    if (!result.ok) {
      socket.close();
      throw Object.assign(new Error(`auth refused: ${result.error.code} ${result.error.message}`), {
        code: result.error.code,
      });
    }
    const { ok: _ok, ...body } = result;
    authResult = body;
  }

  return {
    identity: identity.id,
    keys: identity.keys,
    socket,
    auth: authResult,
    challenge() {
      if (!latestChallenge) throw new Error('no challenge received yet');
      return latestChallenge;
    },
    request,
    async ok(event, payload) {
      const result = await request(event, payload);
      if (!result.ok) throw new Error(`${event} failed: ${result.error.code} ${result.error.message}`);
      return result;
    },
    next,
    received<E extends ServerEventName>(event: E) {
      const queued = queues.get(event) ?? [];
      queues.set(event, []);
      return queued as ServerPayload<E>[];
    },
    sign,
    relayHost,
    close: () => socket.close(),
  };
}
