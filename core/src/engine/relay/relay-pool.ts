import { ParleyError } from '../../errors/index.js';
import type { IdentityKeyPair } from '../../crypto/index.js';
import type { AuthResult } from '../../protocol/auth.js';
import type { ServerPayload } from '../../protocol/events.js';
import { LIMITS } from '../../protocol/limits.js';
import { addressOfRelayIdentity } from '../shared/addresses.js';
import type { ParleyClientEvents } from '../events.js';
import { microBatch } from '../shared/micro-batch.js';
import type { EngineTimers, SocketFactory } from '../platform.js';
import { presenceOf } from '../presence/presence.js';
import type { AccessCredentials } from './relay-access.js';
import { RelayConnection } from './relay-connection.js';

export interface RelayPoolOptions {
  readonly homeUrl: string;
  readonly socketFactory: SocketFactory;
  readonly identity: IdentityKeyPair;
  readonly timers: EngineTimers;
  readonly requestTimeoutMs: number;
  readonly reconnectDelayMs: number;
  /** The invite or one-time code for the home relay (contacts' relays take the signature alone). */
  readonly credentials: () => AccessCredentials | undefined;
  /** Each contact's home relay, from its contact link. */
  readonly contactRelays: ReadonlyMap<string, string>;
  readonly emit: <K extends keyof ParleyClientEvents>(event: K, payload: ParleyClientEvents[K]) => void;
  readonly onReady: (relay: RelayConnection, auth: AuthResult) => void;
  readonly onDown: (relay: RelayConnection) => void;
  readonly onBlob: (relay: RelayConnection, blob: ServerPayload<'blob'>) => void;
  readonly onSignal: (signal: ServerPayload<'signal'>) => void;
  readonly onPreKeysLow: (relay: RelayConnection) => void;
}

/**
 * One RelayConnection per relay URL: the home relay (where this device registers, publishes prekeys and
 * receives), and each contact's home relay, opened on first use. Closing the pool closes them all.
 */
export class RelayPool {
  readonly home: RelayConnection;
  readonly #relays = new Map<string, RelayConnection>();
  #closed = false;

  constructor(private readonly options: RelayPoolOptions) {
    this.home = this.#open(options.homeUrl);
  }

  get all(): IterableIterator<RelayConnection> {
    return this.#relays.values();
  }

  /** The connection to `account`'s relay: the home relay, or one opened (and authenticated) on first use. */
  for(account: string): RelayConnection {
    const url = this.options.contactRelays.get(account);
    if (url === undefined || url === this.home.url) return this.home;
    const existing = this.#relays.get(url);
    if (existing !== undefined) return existing;
    if (this.#closed) throw new ParleyError('CLOSED', 'client is closed');
    const relay = this.#open(url);
    relay.connect();
    return relay;
  }

  close(): void {
    this.#closed = true;
    for (const relay of this.#relays.values()) relay.close();
    this.#relays.clear();
  }

  #open(url: string): RelayConnection {
    const { options } = this;
    const relay = new RelayConnection({
      url,
      socketFactory: options.socketFactory,
      identity: options.identity,
      timers: options.timers,
      requestTimeoutMs: options.requestTimeoutMs,
      reconnectDelayMs: options.reconnectDelayMs,
      ...(url === options.homeUrl ? { credentials: options.credentials } : {}),
    });
    this.#relays.set(url, relay);
    relay.on('refused', (error) => options.emit('access-denied', { relayUrl: url, error }));
    relay.on('ready', (auth) => options.onReady(relay, auth));
    relay.on('down', ({ reason }) => {
      options.onDown(relay);
      options.emit('disconnected', { relayUrl: url, reason });
    });
    relay.on('error', (error) => options.emit('error', error));
    relay.on('blob', (blob) => options.onBlob(relay, blob));
    const ackNotice = microBatch<{ id: string; recipient: string }>(LIMITS.maxAckIds, (notices) => {
      void relay.request('notice:ack', { notices }).catch(() => undefined);
    });
    relay.on('blob:delivered', (notice) => ackNotice({ id: notice.id, recipient: notice.recipient }));
    relay.on('prekeys:low', () => options.onPreKeysLow(relay));
    relay.on('signal', (signal) => options.onSignal(signal));
    relay.on('typing', ({ from, typing }) =>
      options.emit('typing', { account: addressOfRelayIdentity(from).name, typing }),
    );
    relay.on('presence', (state) => options.emit('presence', presenceOf(state)));
    return relay;
  }
}
