import type { ParleyClientEvents, Route } from '@parley/core';

/** How long a "typing…" shows without a refresh, in case the peer's "stopped typing" never arrives. */
export const TYPING_TTL_MS = 8_000;

export interface PresenceState {
  readonly online: boolean;
  readonly lastSeen?: number;
}

type Source = {
  /** Whether the home relay answers now (ParleyClient's getter); false when absent. */
  readonly connected?: boolean;
  on<K extends keyof ParleyClientEvents>(
    event: K,
    listener: (payload: ParleyClientEvents[K]) => void,
  ): () => void;
};

interface Timers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  /** The wall clock (Date.now by default): when the relay or a direct link was lost. */
  now?(): number;
}

/**
 * What this device can know about a conversation's peer right now. Presence comes through the relay; a
 * direct link shows the peer's app is running. With neither, a peer who was online is only "last seen" at
 * the moment we stopped knowing (`lastSure`).
 */
export interface Reach {
  readonly relayConnected: boolean;
  readonly direct: boolean;
  readonly lastSure?: number;
}

/**
 * The client's ephemeral state that arrives only as events (routes, presence, typing), kept from the moment
 * the session starts so a conversation opened later still knows its route. A store for useSyncExternalStore:
 * every change notifies the subscribers, and each reader re-renders only when what it selects changed.
 */
export class LiveState {
  readonly #routes = new Map<string, Route>();
  readonly #presence = new Map<string, PresenceState>();
  readonly #typing = new Map<string, unknown>();
  readonly #listeners = new Set<() => void>();
  readonly #unsubscribe: (() => void)[] = [];
  readonly #leftDirectAt = new Map<string, number>();
  #relayConnected: boolean;
  #relayLostAt: number | undefined;
  #local = 0;
  #reactions = 0;

  constructor(
    source: Source,
    private readonly timers: Timers = {
      setTimeout: (callback, ms) => setTimeout(callback, ms),
      clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
    },
  ) {
    this.#relayConnected = source.connected ?? false;
    this.#unsubscribe.push(
      source.on('route', ({ conversationId, route }) => {
        const before = this.#routes.get(conversationId);
        if (before !== undefined && before !== 'relay' && route === 'relay')
          this.#leftDirectAt.set(conversationId, this.#now());
        this.#routes.set(conversationId, route);
        this.#changed();
      }),
      source.on('connected', () => {
        this.#relayConnected = true;
        this.#relayLostAt = undefined;
        this.#changed();
      }),
      source.on('disconnected', () => {
        if (this.#relayConnected) this.#relayLostAt = this.#now();
        this.#relayConnected = false;
        this.#changed();
      }),
      source.on('presence', (presence) => this.setPresence(presence)),
      source.on('typing', ({ account, typing }) => this.#setTyping(account, typing)),
      // A message from someone ends their typing indicator.
      source.on('message', ({ message }) => {
        if (this.#typing.has(message.sender.name)) this.#setTyping(message.sender.name, false);
      }),
    );
  }

  route(conversationId: string): Route | undefined {
    return this.#routes.get(conversationId);
  }

  get relayConnected(): boolean {
    return this.#relayConnected;
  }

  /** Conversations whose messages travel over a direct link now (they still deliver without the relay). */
  directCount(): number {
    let count = 0;
    for (const route of this.#routes.values()) if (route !== 'relay') count += 1;
    return count;
  }

  reach(conversationId: string): Reach {
    const route = this.#routes.get(conversationId);
    const direct = route !== undefined && route !== 'relay';
    const times = [this.#relayLostAt, this.#leftDirectAt.get(conversationId)].filter(
      (time): time is number => time !== undefined,
    );
    return {
      relayConnected: this.#relayConnected,
      direct,
      ...(times.length === 0 ? {} : { lastSure: Math.max(...times) }),
    };
  }

  presence(account: string): PresenceState | undefined {
    return this.#presence.get(account);
  }

  /** Moves when this device changed something the engine does not echo as an event (our own reaction). */
  get localVersion(): number {
    return this.#local;
  }

  localChange(): void {
    this.#local += 1;
    this.#changed();
  }

  /**
   * Moves when this device reacted to a message. Apart from localVersion, which moves on every read mark:
   * each bubble on screen re-reads its reactions when this moves.
   */
  get reactionsVersion(): number {
    return this.#reactions;
  }

  reactionChange(): void {
    this.#reactions += 1;
    this.#changed();
  }

  isTyping(account: string): boolean {
    return this.#typing.has(account);
  }

  setPresence({ account, online, lastSeen }: ParleyClientEvents['presence']): void {
    this.#presence.set(account, { online, ...(lastSeen === undefined ? {} : { lastSeen }) });
    if (!online && this.#typing.has(account)) this.#setTyping(account, false);
    else this.#changed();
  }

  subscribe = (listener: () => void): (() => void) => {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  };

  close(): void {
    for (const stop of this.#unsubscribe.splice(0)) stop();
    for (const handle of this.#typing.values()) this.timers.clearTimeout(handle);
    this.#typing.clear();
    this.#listeners.clear();
  }

  #setTyping(account: string, typing: boolean): void {
    const previous = this.#typing.get(account);
    if (previous !== undefined) this.timers.clearTimeout(previous);
    if (typing) {
      this.#typing.set(
        account,
        this.timers.setTimeout(() => this.#setTyping(account, false), TYPING_TTL_MS),
      );
    } else this.#typing.delete(account);
    this.#changed();
  }

  #now(): number {
    return this.timers.now?.() ?? Date.now();
  }

  #changed(): void {
    for (const listener of [...this.#listeners]) listener();
  }
}
