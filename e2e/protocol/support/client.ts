/** A client written from docs/protocol.md: plain socket.io-client, every relay event buffered. */
import { io, type Socket } from 'socket.io-client';
import { answerChallenge, type Challenge } from './auth.js';
import { newIdentity, type Identity } from './keys.js';

export type Ack =
  | { ok: true; [key: string]: unknown }
  | { ok: false; error: { code: string; message: string; retryAfter?: number } };

const RELAY_EVENTS = [
  'auth:challenge',
  'signal',
  'typing',
  'presence',
  'blob',
  'blob:delivered',
  'prekeys:low',
];

export interface Client {
  identity: Identity;
  socket: Socket;
  auth: Record<string, unknown> | undefined;
  challenge(): Challenge;
  request(event: string, payload?: unknown): Promise<Ack>;
  /** The success body; throws with the code on an error ack. */
  ok(event: string, payload?: unknown): Promise<Record<string, unknown>>;
  next(event: string): Promise<Record<string, unknown>>;
  /** What arrived for `event` and was not consumed by `next`. */
  drain(event: string): Array<Record<string, unknown>>;
  close(): void;
}

export interface ConnectOptions {
  identity?: Identity;
  /** Leave the challenge unanswered. */
  skipAuth?: boolean;
  /** Extra fields of the `auth` payload (invite, otp). */
  authExtra?: Record<string, unknown>;
  /** Every client of the suite comes "through" the relay's trusted proxy with its own address. */
  address?: string;
}

let addresses = 0;
/** A distinct documentation-range address per client, so per-address limits see separate clients. */
export const freshAddress = () => `198.18.${Math.floor(addresses / 250)}.${(addresses++ % 250) + 1}`;

export async function connect(url: string, options: ConnectOptions = {}): Promise<Client> {
  const identity = options.identity ?? newIdentity();
  const socket = io(url, {
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
    autoConnect: false,
    extraHeaders: { 'x-forwarded-for': options.address ?? freshAddress() },
  });
  const queues = new Map<string, Array<Record<string, unknown>>>();
  const waiters = new Map<string, Array<(value: Record<string, unknown>) => void>>();
  let challenge: Challenge | undefined;
  for (const event of RELAY_EVENTS) {
    socket.on(event, (payload: Record<string, unknown>) => {
      if (event === 'auth:challenge') challenge = { ...(payload as unknown as Challenge), dialled: url };
      const waiter = waiters.get(event)?.shift();
      if (waiter) waiter(payload);
      else queues.set(event, [...(queues.get(event) ?? []), payload]);
    });
  }
  const next = (event: string) =>
    new Promise<Record<string, unknown>>((resolve, reject) => {
      const queued = queues.get(event);
      if (queued?.length) return resolve(queued.shift() as Record<string, unknown>);
      const timer = setTimeout(() => reject(new Error(`no ${event} arrived`)), 10_000);
      waiters.set(event, [
        ...(waiters.get(event) ?? []),
        (value) => {
          clearTimeout(timer);
          resolve(value);
        },
      ]);
    });
  const request = async (event: string, payload: unknown = {}) =>
    (await socket.timeout(10_000).emitWithAck(event, payload)) as Ack;
  const currentChallenge = () => {
    if (!challenge) throw new Error('no challenge yet');
    return challenge;
  };

  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('connect_error', reject);
    socket.connect();
  });
  await next('auth:challenge');
  let auth: Record<string, unknown> | undefined;
  if (!options.skipAuth) {
    const result = await request('auth', {
      ...answerChallenge(currentChallenge(), identity),
      ...options.authExtra,
    });
    if (!result.ok) {
      socket.close();
      throw Object.assign(new Error(`auth refused: ${result.error.code}`), { code: result.error.code });
    }
    auth = result;
  }
  return {
    identity,
    socket,
    auth,
    challenge: currentChallenge,
    request,
    async ok(event, payload) {
      const result = await request(event, payload);
      if (!result.ok)
        throw Object.assign(new Error(`${event}: ${result.error.code}`), { code: result.error.code });
      return result;
    },
    next,
    drain(event) {
      const queued = queues.get(event) ?? [];
      queues.set(event, []);
      return queued;
    },
    close: () => socket.close(),
  };
}

/** The error code of an ack, or 'ok'. */
export const outcome = (ack: Ack): string => (ack.ok ? 'ok' : ack.error.code);
