import type { CallTimers } from '../../calls/index.js';
import type { GroupMeshBody, GroupMeshEvent } from '../../protocol/group-mesh.js';
import type { CallPair, PairOptions } from '../calls/call-pairs.js';
import type { MediaPath, MediaProtection } from '../calls/call-peer.js';
import type { LocalMedia } from '../calls/local-media.js';

/** Up to this many people in all, a group call stays a mesh of direct connections. */
export const DEFAULT_MESH_LIMIT = 4;

/**
 * How a lost pair is re-opened: up to `reopens` times in a row (a pair that connects starts counting again),
 * the first after `backoffMs`, each next one after twice the wait before.
 */
export interface PairRecovery {
  readonly reopens: number;
  readonly backoffMs: number;
}

export const DEFAULT_PAIR_RECOVERY: PairRecovery = { reopens: 3, backoffMs: 1_000 };

/** What a mesh session tells its owner (the app's group call). */
export type MeshSessionEvent =
  | { readonly type: 'joined'; readonly account: string }
  | { readonly type: 'left'; readonly account: string }
  | {
      readonly type: 'track';
      readonly account: string;
      readonly track: unknown;
      readonly streams: readonly unknown[];
    }
  /** The pair's path went down (`disconnected`: it is being restarted or re-opened) or came back. */
  | { readonly type: 'path'; readonly account: string; readonly path: MediaPath }
  /** The pair stayed lost after every re-open: nothing more is tried until they join again. */
  | { readonly type: 'unreachable'; readonly account: string }
  /** The call moves to the SFU now: join it, keep the mesh until it decodes, then `closePairs`. */
  | { readonly type: 'move' };

export interface MeshSessionParts {
  readonly room: string;
  readonly session: string;
  readonly self: string;
  readonly local: LocalMedia;
  readonly meshLimit: number;
  readonly sfuAvailable: boolean;
  /** Frame encryption for the connection with one account. */
  readonly protect?: (account: string) => MediaProtection;
  readonly rtcConfig?: Readonly<Record<string, unknown>>;
  /** Sends a mesh message to some accounts (sealed, pairwise); `everyone`: every other member of the group. */
  readonly send: (to: readonly string[] | 'everyone', body: GroupMeshBody) => Promise<void>;
  readonly openPair: (options: PairOptions) => CallPair;
  readonly pairId: (a: string, b: string) => string;
  /** The re-open back-off's timers (the engine's, a fake clock in tests). */
  readonly timers: CallTimers;
  readonly recovery?: PairRecovery;
  readonly report: (error: unknown) => void;
  readonly closed: () => void;
}

interface Member {
  readonly session: string;
  pair: CallPair | undefined;
  role: 'offerer' | 'answerer' | undefined;
  /** Re-opens since the pair last connected. */
  reopens: number;
  /** The back-off before the next re-open. */
  reopenTimer: unknown;
}

/**
 * One device's part in a group call's mesh (docs/protocol.md, "Group call mesh"). Joining says `hello` to the
 * group; everyone in the call answers `here` and opens its side of a pair — a 1:1 call's peer connection
 * (client.calls.openPair), offered by whoever got the `here`. Past `meshLimit` people, when the relay has an
 * SFU, the lowest account in the call decides: it sends `move`, and everyone (itself too) gets a `move`
 * event, joins the SFU, and closes the mesh once the SFU path decodes.
 */
export class MeshSession {
  readonly #members = new Map<string, Member>();
  readonly #listeners = new Set<(event: MeshSessionEvent) => void>();
  #onSfu = false;
  #moveAnnounced = false;
  #pairsClosed = false;
  #closed = false;

  constructor(private readonly parts: MeshSessionParts) {}

  get room(): string {
    return this.parts.room;
  }

  /** The other accounts in the call, as far as this device knows. */
  get members(): string[] {
    return [...this.#members.keys()];
  }

  /** Whether this device is (going) on the SFU. */
  get onSfu(): boolean {
    return this.#onSfu;
  }

  on(listener: (event: MeshSessionEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Says hello to the group: whoever is in the call answers. */
  async start(): Promise<void> {
    await this.#send('everyone', 'hello');
  }

  /** A mesh message from `account` (a member of the group: the caller checked). */
  receive(account: string, body: GroupMeshBody): void {
    if (this.#closed || body.room !== this.parts.room || account === this.parts.self) return;
    // Someone on the SFU already: this device goes there too, without a mesh connection to them.
    if (body.onSfu === true && body.event !== 'bye') this.#move();
    switch (body.event) {
      case 'hello':
        this.#admit(account, body.session, 'answerer');
        void this.#send([account], 'here');
        break;
      case 'here':
        this.#admit(account, body.session, 'offerer');
        break;
      case 'bye':
        this.#drop(account, body.session);
        return;
      case 'move':
        this.#move();
        return;
    }
    this.#decide();
  }

  /** The SFU path decodes: the mesh's connections close (the signalling stays, for newcomers and leavers). */
  closePairs(): void {
    this.#pairsClosed = true;
    for (const member of this.#members.values()) this.#closePair(member);
  }

  /** Leaves the call: `bye` to everyone in it, every connection closed. Idempotent. */
  async leave(): Promise<void> {
    if (this.#closed) return;
    const members = this.members;
    this.closePairs();
    this.#closed = true;
    this.parts.closed();
    this.#listeners.clear();
    if (members.length > 0) await this.parts.send(members, this.#body('bye')).catch(this.parts.report);
  }

  /**
   * `account` is in the call with `session`. A pair is opened unless one of these two sessions exists (a
   * hello and a here for the same pair both arrive when two join at once: then the lower account offers).
   */
  #admit(account: string, session: string, role: 'offerer' | 'answerer'): void {
    let member = this.#members.get(account);
    if (member !== undefined && member.session !== session) {
      this.#closePair(member);
      this.#members.delete(account);
      this.#emit({ type: 'left', account });
      member = undefined;
    }
    if (member === undefined) {
      member = { session, pair: undefined, role: undefined, reopens: 0, reopenTimer: undefined };
      this.#members.set(account, member);
      this.#emit({ type: 'joined', account });
    }
    if (this.#onSfu || this.#pairsClosed) return;
    const crossing = member.role === 'answerer' && role === 'offerer' && this.parts.self < account;
    if (member.pair !== undefined && !crossing) return;
    this.#closePair(member);
    member.role = role;
    this.#openPair(account, member, false);
  }

  /**
   * The pair with `member`, as its `role` says. A pair given up (its path down `iceGiveUpMs` despite ICE
   * restarts, or its connection closed under it) is re-opened while both are still in the call, after a
   * back-off: a fresh connection whose offer is marked `replace`, so the other side answers on a fresh one
   * too, whether or not it gave up yet; the frame encryption hooks apply to the new senders and receivers.
   * After `recovery.reopens` re-opens that never connected, the member is `unreachable` and the call goes on
   * without that pair. A member who left (bye) is no longer here.
   */
  #openPair(account: string, member: Member, replaces: boolean): void {
    const role = member.role;
    if (role === undefined) return;
    try {
      const pair: CallPair = this.parts.openPair({
        callId: this.parts.pairId(this.parts.session, member.session),
        peer: account,
        role,
        local: this.parts.local,
        onTrack: (track, streams) => this.#emit({ type: 'track', account, track, streams }),
        onPath: (path) => {
          // A certificate the sealed SDP did not announce: someone in the middle; this pair is over.
          if (path === 'unauthenticated' && member.pair === pair) {
            pair.close();
            member.pair = undefined;
          }
          if (path === 'connected' && member.pair === pair) member.reopens = 0;
          this.#emit({ type: 'path', account, path });
        },
        onLost: () => {
          if (member.pair !== pair) return;
          member.pair = undefined;
          if (this.#closed || this.#onSfu || this.#pairsClosed || this.#members.get(account) !== member)
            return;
          this.#reopenLater(account, member);
        },
        ...(replaces ? { replaces } : {}),
        ...(this.parts.protect === undefined ? {} : { protect: this.parts.protect(account) }),
        ...(this.parts.rtcConfig === undefined ? {} : { rtcConfig: this.parts.rtcConfig }),
      });
      member.pair = pair;
    } catch (error) {
      this.parts.report(error);
    }
  }

  /** A lost pair: re-opened after the back-off, or given up for good once the re-opens are spent. */
  #reopenLater(account: string, member: Member): void {
    const { reopens, backoffMs } = this.parts.recovery ?? DEFAULT_PAIR_RECOVERY;
    if (member.reopens >= reopens) {
      this.#emit({ type: 'unreachable', account });
      return;
    }
    const delay = backoffMs * 2 ** member.reopens;
    member.reopens += 1;
    this.#emit({ type: 'path', account, path: 'disconnected' });
    member.reopenTimer = this.parts.timers.setTimeout(() => {
      member.reopenTimer = undefined;
      if (this.#closed || this.#onSfu || this.#pairsClosed || this.#members.get(account) !== member) return;
      this.#openPair(account, member, true);
    }, delay);
  }

  #closePair(member: Member): void {
    if (member.reopenTimer !== undefined) this.parts.timers.clearTimeout(member.reopenTimer);
    member.reopenTimer = undefined;
    member.pair?.close();
    member.pair = undefined;
  }

  #drop(account: string, session: string): void {
    const member = this.#members.get(account);
    if (member?.session !== session) return;
    this.#closePair(member);
    this.#members.delete(account);
    this.#emit({ type: 'left', account });
  }

  /** Too many for the mesh and an SFU to go to: the lowest account in the call tells everyone to move. */
  #decide(): void {
    if (this.#onSfu || !this.parts.sfuAvailable || this.#members.size + 1 <= this.parts.meshLimit) return;
    const decider = [this.parts.self, ...this.#members.keys()].sort()[0];
    if (decider !== this.parts.self) return;
    if (!this.#moveAnnounced) {
      this.#moveAnnounced = true;
      void this.#send(this.members, 'move');
    }
    this.#move();
  }

  #move(): void {
    if (this.#onSfu || !this.parts.sfuAvailable) return;
    this.#onSfu = true;
    this.#emit({ type: 'move' });
  }

  #body(event: GroupMeshEvent): GroupMeshBody {
    return {
      type: 'group-call-mesh',
      event,
      room: this.parts.room,
      session: this.parts.session,
      ...(this.#onSfu ? { onSfu: true } : {}),
    };
  }

  async #send(to: readonly string[] | 'everyone', event: GroupMeshEvent): Promise<void> {
    if (this.#closed || (to !== 'everyone' && to.length === 0)) return;
    await this.parts.send(to, this.#body(event)).catch(this.parts.report);
  }

  #emit(event: MeshSessionEvent): void {
    for (const listener of this.#listeners) {
      try {
        listener(event);
      } catch (error) {
        this.parts.report(error);
      }
    }
  }
}
