import { fromBase64Url, toBase64Url } from '@parley/core';
import type { Server } from 'socket.io';
import type { RelayContext } from '../context.js';
import type { StoredBlob } from '../store/types.js';
import { identityRoom, watchRoom } from './rooms.js';
import type { Session } from './session.node.js';

const BLOB_CHANNEL = 'parley:blob';

/** What the adapter can tell about rooms on other processes without asking each of them. */
export interface RoomProbe {
  /**
   * Whether any process holds a socket in the room: with the sharded adapter, one `PUBSUB SHARDNUMSUB` on the
   * room's channel instead of a `fetchSockets` round trip through every process.
   */
  roomOccupied?: (room: string) => Promise<boolean>;
  /** Resolves once Redis has confirmed this process's subscription to a room it just created. */
  roomSubscribed?: (room: string, stillHeld: () => boolean) => Promise<void>;
}

interface WireBlob {
  id: string;
  payload: string;
  depositedAt: number;
  expiresAt: number;
}

/**
 * What handlers share across connections: this process's authenticated sessions by identity, and the routes
 * to the others. Blobs go through each recipient session's BlobFeed (not a room emit) so delivery order holds
 * while a backlog is being sent; with the Redis adapter they reach other processes by `serverSideEmit`.
 */
export class Hub {
  readonly #local = new Map<string, Set<Session>>();
  /** Set when the relay shuts down: long-running pushes (a backlog) stop early instead of delaying it. */
  closing = false;
  /** This process's rooms (the adapter is installed before attachRealtime runs). */
  readonly #rooms: Map<string, Set<string>>;

  constructor(
    readonly io: Server,
    readonly ctx: RelayContext,
    /** True when a Redis adapter joins this process to others. */
    readonly clustered: boolean,
    private readonly probe: RoomProbe = {},
  ) {
    this.#rooms = io.of('/').adapter.rooms;
    if (clustered) {
      io.on(BLOB_CHANNEL, (recipients: unknown, blob: unknown) => {
        if (!Array.isArray(recipients) || !isWireBlob(blob)) return;
        this.#deliverLocally(recipients as string[], { ...blob, payload: fromBase64Url(blob.payload) });
      });
    }
  }

  add(session: Session, identity: string): void {
    let set = this.#local.get(identity);
    if (!set) this.#local.set(identity, (set = new Set()));
    set.add(session);
  }

  remove(session: Session, identity: string): void {
    const set = this.#local.get(identity);
    if (!set) return;
    set.delete(session);
    if (set.size === 0) this.#local.delete(identity);
  }

  /** Pushes a durably stored blob to every online socket of each recipient, on every process. */
  deliverBlob(recipients: string[], blob: StoredBlob): void {
    this.#deliverLocally(recipients, blob);
    if (this.clustered) {
      const wire: WireBlob = { ...blob, payload: toBase64Url(blob.payload) };
      this.io.serverSideEmit(BLOB_CHANNEL, recipients, wire);
    }
  }

  #deliverLocally(recipients: string[], blob: StoredBlob): void {
    for (const recipient of recipients) {
      for (const session of this.#local.get(recipient) ?? []) session.feed.push(blob);
    }
  }

  /**
   * Resolves once other processes can reach the identity's sockets here: with the sharded adapter, once Redis
   * has confirmed the room's subscription, so a signal sent the moment a client is told it is in is not lost.
   */
  async reachable(identity: string): Promise<void> {
    const room = identityRoom(identity);
    await this.probe.roomSubscribed?.(room, () => this.#rooms.has(room));
  }

  /** Whether this process has a socket of the identity: free, used on the signalling hot path. */
  onlineHere(identity: string): boolean {
    return (this.#rooms.get(identityRoom(identity))?.size ?? 0) > 0;
  }

  /**
   * Whether any process has a socket of the identity: one Redis round trip with the sharded adapter, else a
   * `fetchSockets` that every other process answers.
   */
  async online(identity: string): Promise<boolean> {
    if (this.onlineHere(identity)) return true;
    if (!this.clustered) return false;
    if (this.probe.roomOccupied) return this.probe.roomOccupied(identityRoom(identity));
    return (await this.io.in(identityRoom(identity)).fetchSockets()).length > 0;
  }

  /** Which of `identities` have a socket on any process. */
  async onlineAmong(identities: string[]): Promise<Set<string>> {
    const online = new Set<string>();
    if (identities.length === 0) return online;
    if (!this.clustered) {
      for (const identity of identities) if (this.onlineHere(identity)) online.add(identity);
      return online;
    }
    const sockets = await this.io.in(identities.map(identityRoom)).fetchSockets();
    for (const socket of sockets) {
      const identity: unknown = (socket.data as { identity?: unknown }).identity;
      if (typeof identity === 'string') online.add(identity);
    }
    return online;
  }

  /** Tells the watchers the target allows that it came online or went offline. */
  async announcePresence(identity: string, online: boolean): Promise<void> {
    const visibility = await this.ctx.store.presence.getVisibility(identity);
    if (!visibility || visibility.allow.length === 0) return;
    const state: { identity: string; online: boolean; lastSeen?: number } = { identity, online };
    if (!online && visibility.lastSeen) {
      const lastSeen = await this.ctx.store.presence.getLastSeen(identity);
      if (lastSeen !== null) state.lastSeen = lastSeen;
    }
    this.io.to(visibility.allow.map((watcher) => watchRoom(identity, watcher))).emit('presence', state);
  }
}

function isWireBlob(value: unknown): value is WireBlob {
  if (typeof value !== 'object' || value === null) return false;
  const blob = value as Record<string, unknown>;
  return (
    typeof blob['id'] === 'string' &&
    typeof blob['payload'] === 'string' &&
    typeof blob['depositedAt'] === 'number' &&
    typeof blob['expiresAt'] === 'number'
  );
}
