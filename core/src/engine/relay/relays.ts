import { ParleyError } from '../../errors/index.js';
import type { IceServer } from '../../protocol/auth.js';
import type { ServerPayload } from '../../protocol/events.js';
import { PreKeyPublisher } from '../account/prekey-publisher.js';
import type { EngineContext } from '../context.js';
import type { EngineTuning } from '../options.js';
import type { SocketFactory } from '../platform.js';
import type { AccessCredentials } from './relay-access.js';
import type { RelayConnection } from './relay-connection.js';
import { pinRelayKey } from './relay-key-pins.js';
import { RelayPool } from './relay-pool.js';
import { TurnGrants } from './turn-grant.js';

export interface RelayHooks {
  /** The home relay authenticated (first and every time): its ICE servers, before prekeys go up. */
  homeReady(iceServers: readonly IceServer[]): void;
  /** A relay is usable: authenticated (and on the home relay, the prekey bundle published). */
  connected(relay: RelayConnection): void;
  onBlob(relay: RelayConnection, blob: ServerPayload<'blob'>): void;
  onSignal(signal: ServerPayload<'signal'>): void;
}

/**
 * The relays this device talks to (RelayPool: the home relay and each contact's), and what keeps the home
 * relay usable: the prekey bundle published on every connect and rotated by the sweep, the TURN grant
 * refreshed before it expires.
 */
export class Relays {
  readonly pool: RelayPool;
  readonly #turn: TurnGrants;
  readonly #preKeys: PreKeyPublisher;
  #published = false;
  #closed = false;

  constructor(
    private readonly ctx: EngineContext,
    options: {
      homeUrl: string;
      socketFactory: SocketFactory;
      tuning: EngineTuning;
      credentials: () => AccessCredentials | undefined;
      contactRelays: ReadonlyMap<string, string>;
    },
    private readonly hooks: RelayHooks,
  ) {
    const { tuning } = options;
    this.#preKeys = new PreKeyPublisher(
      ctx,
      { rotationMs: tuning.signedPreKeyRotationMs, graceMs: tuning.signedPreKeyGraceMs },
      (relay) => relay === this.home,
    );
    this.#turn = new TurnGrants(
      ctx.timers,
      ctx.crypto.now,
      async () => (await this.home.request('turn:refresh', {})).turn,
      (error) => ctx.report(error),
    );
    this.pool = new RelayPool({
      homeUrl: options.homeUrl,
      socketFactory: options.socketFactory,
      identity: ctx.identity,
      timers: ctx.timers,
      requestTimeoutMs: tuning.requestTimeoutMs,
      reconnectDelayMs: tuning.relayReconnectDelayMs,
      credentials: options.credentials,
      contactRelays: options.contactRelays,
      emit: (event, payload) => ctx.emit(event, payload),
      onReady: (relay, auth) => void this.#onReady(relay, auth.turn),
      onDown: (relay) => {
        if (relay === this.home) this.#published = false;
      },
      onBlob: (relay, blob) => hooks.onBlob(relay, blob),
      onSignal: (signal) => hooks.onSignal(signal),
      onPreKeysLow: (relay) =>
        void this.#preKeys.replenish(relay).catch((error: unknown) => ctx.report(error)),
    });
  }

  get home(): RelayConnection {
    return this.pool.home;
  }

  /** Authenticated with the home relay and its prekeys published there. */
  get connected(): boolean {
    return this.home.ready && this.#published;
  }

  for(account: string): RelayConnection {
    return this.pool.for(account);
  }

  /** Rotates the signed prekey when due and republishes the bundle (the sweep calls it). */
  async rotatePreKeys(): Promise<void> {
    if ((await this.#preKeys.rotate()) && this.#published) {
      // A relay that is unreachable now gets the new bundle on the next connect (#onReady publishes it).
      await this.#preKeys.republish(this.home).catch((error: unknown) => this.ctx.report(error));
    }
  }

  /**
   * Pins the key a relay showed the first time it answered (relay-key-pins.ts); a later key is reported, and
   * that relay's recall receipts no longer verify. The connection itself goes on: messages are end-to-end
   * encrypted and the relay is trusted with nothing the key would protect.
   */
  async #pin(relay: RelayConnection): Promise<void> {
    const presented = relay.relayKey;
    if (presented === undefined) return;
    const pinned = await pinRelayKey(this.ctx.state, relay.url, presented);
    if (pinned !== presented)
      this.ctx.report(
        new ParleyError(
          'INVALID_KEY',
          `the relay at ${relay.url} shows a key other than the one it showed first; its receipts are not trusted`,
        ),
      );
  }

  close(): void {
    this.#closed = true;
    this.#turn.close();
    this.pool.close();
  }

  async #onReady(relay: RelayConnection, turn: Parameters<TurnGrants['use']>[0]): Promise<void> {
    void this.#pin(relay).catch((error: unknown) => this.ctx.report(error));
    if (relay !== this.home) {
      // Another contact's relay: we only deposit, fetch prekeys and signal there.
      this.ctx.emit('connected', { relayUrl: relay.url });
      this.ctx.kick();
      return;
    }
    // Ready for links before anything else: peers may signal as soon as the relay says we are online.
    this.#turn.use(turn);
    if (!this.#closed) this.hooks.homeReady(this.#turn.iceServers);
    try {
      await this.#preKeys.publish(relay);
      if (this.#closed) return;
      this.#published = true;
      this.ctx.emit('connected', { relayUrl: relay.url });
      this.hooks.connected(relay);
      this.ctx.kick();
    } catch (error) {
      this.ctx.report(error);
    }
  }
}
