import { ParleyError, isErrorCode } from '../../errors/index.js';
import { sign, type IdentityKeyPair } from '../../crypto/index.js';
import { TypedEmitter } from '../../link/typed-emitter.js';
import { authChallengeMessage, fromBase64Url, relayHostOf, toBase64Url } from '../../protocol/index.js';
import {
  SERVER_EVENTS,
  type AckResult,
  type ClientEventName,
  type ClientPayload,
  type ClientResponses,
  type ServerEventName,
  type ServerPayload,
} from '../../protocol/events.js';
import type { AuthResult } from '../../protocol/auth.js';
import type { EngineTimers, RelaySocket, SocketFactory } from '../platform.js';
import { isAccessError, type AccessCredentials } from './relay-access.js';

export type RelayConnectionEvents = {
  [E in ServerEventName]: ServerPayload<E>;
} & {
  /** Authenticated (again, after every reconnect): requests may go out. */
  ready: AuthResult;
  /** The socket dropped; socket.io reconnects and a new challenge starts a new handshake. */
  down: { reason: string };
  /** Something the relay sent did not match its schema, or the handshake failed. */
  error: ParleyError;
  /**
   * The relay's access policy refused this identity (ACCESS_DENIED, INVITE_INVALID, OTP_INVALID, OTP_LOCKED).
   * The connection stops answering challenges until `retryAuth()`, so a wrong credential is not replayed.
   */
  refused: ParleyError;
};

export interface RelayConnectionOptions {
  readonly url: string;
  readonly socketFactory: SocketFactory;
  readonly identity: IdentityKeyPair;
  readonly timers: EngineTimers;
  /** How long a request waits for its ack. */
  readonly requestTimeoutMs: number;
  /** Pause before reconnecting after the relay ended the session. */
  readonly reconnectDelayMs: number;
  /** An invite or one-time code to show (relays that are not open want one on an identity's first auth). */
  readonly credentials?: () => AccessCredentials | undefined;
}

const SERVER_EVENT_NAMES = Object.keys(SERVER_EVENTS) as ServerEventName[];

/**
 * One authenticated socket to one relay. Answers every challenge (so a reconnect re-authenticates by
 * itself), validates everything the relay sends against SERVER_EVENTS, and turns acks into promises.
 */
export class RelayConnection extends TypedEmitter<RelayConnectionEvents> {
  readonly url: string;
  readonly #options: RelayConnectionOptions;
  readonly #socket: RelaySocket;
  #auth: AuthResult | undefined;
  #reconnectTimer: unknown;
  /** The latest challenge not answered yet (kept while refused, for `retryAuth`). */
  #challenge: ServerPayload<'auth:challenge'> | undefined;
  #refused: ParleyError | undefined;
  #authenticating = false;
  /** The relay's signing key as its challenges name it (base64url): what its recall receipts must verify under. */
  #relayKey: string | undefined;
  /** Requests waiting for their ack: failed at once when the socket drops or the connection closes. */
  readonly #pending = new Set<(error: ParleyError) => void>();
  #closed = false;

  constructor(options: RelayConnectionOptions) {
    super();
    this.url = options.url;
    this.#options = options;
    this.#socket = options.socketFactory(options.url);
    for (const event of SERVER_EVENT_NAMES) {
      this.#socket.on(event, (payload: unknown) => this.#receive(event, payload));
    }
    this.#socket.on('disconnect', (reason: unknown) => {
      this.#auth = undefined;
      this.#challenge = undefined;
      this.#failPending(new ParleyError('UNAVAILABLE', `disconnected from ${this.url}`));
      if (this.#closed) return;
      this.emit('down', { reason: String(reason) });
      // socket.io reconnects by itself except when the server ended the session (a relay shutting down or
      // restarting): then we come back ourselves, after a pause.
      if (reason === 'io server disconnect') {
        this.#reconnectTimer = options.timers.setTimeout(() => {
          this.#reconnectTimer = undefined;
          if (!this.#closed) this.#socket.connect();
        }, options.reconnectDelayMs);
      }
    });
  }

  /** The latest auth ack while authenticated. */
  get auth(): AuthResult | undefined {
    return this.#auth;
  }

  /** The relay's Ed25519 key (base64url) from its latest challenge; undefined before the first one. */
  get relayKey(): string | undefined {
    return this.#relayKey;
  }

  /** Why the relay's access policy refused us, until `retryAuth()`. */
  get refused(): ParleyError | undefined {
    return this.#refused;
  }

  /** Answers the relay's pending challenge again, with the credentials as they are now. */
  retryAuth(): void {
    this.#assertOpen();
    this.#refused = undefined;
    const challenge = this.#challenge;
    if (challenge !== undefined) void this.#authenticate(challenge);
  }

  get ready(): boolean {
    return this.#auth !== undefined && !this.#closed;
  }

  connect(): void {
    this.#assertOpen();
    this.#socket.connect();
  }

  /** Sends one event and resolves its success body; an error ack rejects with its ParleyError code. */
  async request<E extends ClientEventName>(event: E, payload: ClientPayload<E>): Promise<ClientResponses[E]> {
    this.#assertOpen();
    // `otp:request` is the one event a relay takes before authentication (to send an access code).
    if (event !== 'auth' && event !== 'otp:request' && !this.ready) await this.#whenReady();
    const result = await new Promise<AckResult<ClientResponses[E]>>((resolve, reject) => {
      const fail = (error: ParleyError) => {
        this.#options.timers.clearTimeout(timer);
        this.#pending.delete(fail);
        reject(error);
      };
      const timer = this.#options.timers.setTimeout(
        () => fail(new ParleyError('UNAVAILABLE', `${event}: no answer from ${this.url}`)),
        this.#options.requestTimeoutMs,
      );
      this.#pending.add(fail);
      this.#socket.emit(event, payload, (ack: AckResult<ClientResponses[E]>) => {
        this.#options.timers.clearTimeout(timer);
        this.#pending.delete(fail);
        resolve(ack);
      });
    });
    if (typeof result !== 'object' || result === null) throw new ParleyError('INTERNAL', `${event}: bad ack`);
    if (!result.ok) {
      const code = isErrorCode(result.error?.code) ? result.error.code : 'INTERNAL';
      throw new ParleyError(code, `${event}: ${result.error?.message ?? 'refused'}`);
    }
    const { ok: _ok, ...body } = result as { ok: true } & ClientResponses[E];
    return body as ClientResponses[E];
  }

  /** Idempotent. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#auth = undefined;
    if (this.#reconnectTimer !== undefined) this.#options.timers.clearTimeout(this.#reconnectTimer);
    this.#failPending(new ParleyError('CLOSED', `connection to ${this.url} is closed`));
    this.#socket.close();
    this.removeAllListeners();
  }

  /** Waits (at most the request timeout) for the handshake of a connection that is coming up. */
  #whenReady(): Promise<void> {
    return new Promise((resolve, reject) => {
      const fail = (error: ParleyError) => {
        this.#options.timers.clearTimeout(timer);
        this.#pending.delete(fail);
        off();
        reject(error);
      };
      const timer = this.#options.timers.setTimeout(
        () => fail(new ParleyError('UNAVAILABLE', `not connected to ${this.url}`)),
        this.#options.requestTimeoutMs,
      );
      const off = this.on('ready', () => {
        this.#options.timers.clearTimeout(timer);
        this.#pending.delete(fail);
        off();
        resolve();
      });
      this.#pending.add(fail);
    });
  }

  #failPending(error: ParleyError): void {
    for (const fail of [...this.#pending]) fail(error);
  }

  #assertOpen(): void {
    if (this.#closed) throw new ParleyError('CLOSED', `connection to ${this.url} is closed`);
  }

  #receive(event: ServerEventName, payload: unknown): void {
    if (this.#closed) return;
    const parsed = SERVER_EVENTS[event].safeParse(payload);
    if (!parsed.success) {
      this.emit('error', new ParleyError('BAD_REQUEST', `relay sent an invalid ${event}`));
      return;
    }
    if (event === 'auth:challenge') {
      this.#challenge = parsed.data as ServerPayload<'auth:challenge'>;
      this.#relayKey = this.#challenge.relayKey;
      // A refused auth is followed by a fresh challenge that may arrive before the refusal: it waits.
      if (this.#refused === undefined && !this.#authenticating) void this.#authenticate(this.#challenge);
      return;
    }
    // Typed per event by SERVER_EVENTS; TypeScript cannot correlate the two generics here.
    this.emit(event, parsed.data as never);
  }

  async #authenticate(challenge: ServerPayload<'auth:challenge'>): Promise<void> {
    const { identity } = this.#options;
    if (this.#challenge === challenge) this.#challenge = undefined;
    this.#authenticating = true;
    // Names the relay: its key from the challenge and the host we dialled, so no other relay can use it.
    const relayHost = relayHostOf(this.url);
    const message = authChallengeMessage(
      fromBase64Url(challenge.nonce),
      identity.identityKey,
      fromBase64Url(challenge.relayKey),
      relayHost,
    );
    // An open relay ignores credentials; one that admitted this identity before does not need them.
    const credentials = challenge.policy === 'open' ? undefined : this.#options.credentials?.();
    try {
      const auth = await this.request('auth', {
        identity: toBase64Url(identity.identityKey),
        signature: toBase64Url(sign(identity, message)),
        relayHost,
        ...credentials,
      });
      this.#authenticating = false;
      if (this.#closed) return;
      this.#auth = auth;
      this.emit('ready', auth);
    } catch (error) {
      this.#authenticating = false;
      if (this.#closed) return;
      if (isAccessError(error)) {
        // The relay sends a fresh challenge; it waits (in #challenge) for a new credential.
        this.#refused = error;
        this.emit('refused', error);
        return;
      }
      this.emit(
        'error',
        error instanceof ParleyError
          ? error
          : new ParleyError('AUTH_FAILED', 'handshake failed', { cause: error }),
      );
      // Any other failure: answer the fresh challenge the relay sent meanwhile, as before.
      const pending = this.#challenge;
      if (pending !== undefined && this.#socket.connected) void this.#authenticate(pending);
    }
  }
}
