import {
  ParleyError,
  type GroupCallTicket,
  type MediaSource,
  type SfuJoined,
  type SfuProducerInfo,
  type Viewport,
} from '@parley/core';
import type { types } from 'mediasoup-client';
import { Store } from '../../app/store.js';
import { CallEventLog, type CallEvent } from './call-events.js';
import { CallMedia, type RemoteTrack } from './call-media.dom.js';
import type { GroupCallMediaHooks } from './media-hooks.js';
import { SfuConnection } from './sfu-connection.dom.js';

export type GroupCallPhase = 'joining' | 'in-call' | 'reconnecting' | 'ended' | 'failed';

export interface Participant {
  readonly peerId: string;
  readonly identity: string;
  readonly tracks: readonly RemoteTrack[];
  /** A mesh call's direct connection with them is being re-made, or was given up (MeshCall). */
  readonly connection?: 'reconnecting' | 'unreachable';
}

export interface GroupCallSnapshot {
  readonly groupId: string;
  readonly phase: GroupCallPhase;
  /** Why the call failed or ended abnormally. */
  readonly error?: ParleyError | Error;
  readonly local: MediaStream | undefined;
  readonly muted: boolean;
  readonly cameraOff: boolean;
  readonly participants: readonly Participant[];
  /** The peer the SFU's active-speaker observer names, if any. */
  readonly activeSpeaker: string | undefined;
  /** How many times the call came back after a worker restart or a dropped socket. */
  readonly recoveries: number;
  /** This window's peer in the SFU room while admitted. */
  readonly selfPeerId: string | undefined;
  /** Who joined and left while we were in the call, oldest first (the call screen's join/leave lines). */
  readonly events: readonly CallEvent[];
  /** How media travel: direct connections (a small call), moving from them to the SFU, or through the SFU. */
  readonly route: CallRoute;
}

export type CallRoute = 'mesh' | 'moving' | 'sfu';

/** The public face of a group call, whichever route it takes (the call screen and the store use this). */
export interface GroupCallHandle {
  readonly groupId: string;
  readonly subscribe: (listener: () => void) => () => void;
  readonly snapshot: () => GroupCallSnapshot;
  start(): Promise<void>;
  setMuted(muted: boolean): Promise<void>;
  setCameraOff(off: boolean): Promise<void>;
  setViewport(peerId: string, source: MediaSource, viewport: Viewport): Promise<void>;
  leave(): Promise<void>;
}

export type { CallEvent } from './call-events.js';

export interface GroupCallOptions {
  readonly groupId: string;
  /** A fresh relay-signed ticket (client.groupCalls.ticket): asked for at join and after a dropped socket. */
  readonly ticket: () => Promise<GroupCallTicket>;
  /** The local microphone and camera, asked for once per call. */
  readonly media: () => Promise<MediaStream>;
  readonly hooks?: GroupCallMediaHooks;
  readonly connect?: (url: string) => SfuConnection;
  /** mediasoup-client's handler; the browser's own by default (Node tests pass FakeHandler's). */
  readonly handlerFactory?: types.HandlerFactory;
  /** Delay before the n-th attempt to get back into the call after the socket dropped. */
  readonly retryDelayMs?: (attempt: number) => number;
  readonly report?: (error: unknown) => void;
}

const viewportKey = (peerId: string, source: MediaSource) => `${peerId}\n${source}`;

/**
 * A group call on the SFU, from the join click to the leave click. It owns the signalling connection and,
 * for each admission to the room, one CallMedia; when the SFU says the room's worker died (`room:restart`)
 * it rejoins on the same socket, and when the socket drops it asks the relay for a new ticket and joins
 * again — both without anyone clicking. The UI reads immutable snapshots (`subscribe`/`snapshot`).
 */
export class GroupCall implements GroupCallHandle {
  readonly #peers = new Map<string, string>();
  readonly #viewports = new Map<string, Viewport>();
  readonly #hooks: GroupCallMediaHooks;
  #connection: SfuConnection | undefined;
  #media: CallMedia | undefined;
  #local: MediaStream | undefined;
  #phase: GroupCallPhase = 'joining';
  #error: ParleyError | Error | undefined;
  #muted = false;
  #cameraOff = false;
  #speaker: string | undefined;
  #recoveries = 0;
  #selfPeerId: string | undefined;
  readonly #events = new CallEventLog();
  /** Identities in the call as far as the lines go: a restart's rejoins are not arrivals. */
  readonly #present = new Set<string>();
  /** producer:new that arrived while between rooms (before the join answer). */
  #early: SfuProducerInfo[] = [];
  readonly #view: Store<GroupCallSnapshot>;

  constructor(private readonly options: GroupCallOptions) {
    this.#hooks = options.hooks ?? {};
    this.#view = new Store(this.#build());
  }

  get groupId(): string {
    return this.options.groupId;
  }

  readonly subscribe = (listener: () => void): (() => void) => this.#view.subscribe(listener);

  readonly snapshot = (): GroupCallSnapshot => this.#view.get();

  /** Takes the camera and microphone, then enters the room. Resolves once in the call; rejects on failure. */
  async start(): Promise<void> {
    try {
      this.#local = await this.options.media();
      this.#changed();
      await this.#enter();
    } catch (error) {
      this.#fail(error);
      throw error;
    }
  }

  async setMuted(muted: boolean): Promise<void> {
    this.#muted = muted;
    this.#changed();
    await this.#media?.setPaused('microphone', muted);
  }

  async setCameraOff(off: boolean): Promise<void> {
    this.#cameraOff = off;
    this.#changed();
    await this.#media?.setPaused('camera', off);
  }

  /** The size a remote video is shown at; kept across rejoins and sent to the SFU when it changes. */
  async setViewport(peerId: string, source: MediaSource, viewport: Viewport): Promise<void> {
    const key = viewportKey(peerId, source);
    const previous = this.#viewports.get(key);
    if (previous?.width === viewport.width && previous.height === viewport.height) return;
    this.#viewports.set(key, viewport);
    await this.#media?.viewport(peerId, source, viewport);
  }

  /** The accounts (SFU identities) whose video this call decodes now. */
  async decodingIdentities(): Promise<Set<string>> {
    const peers = (await this.#media?.decodingPeers()) ?? new Set<string>();
    return new Set([...peers].flatMap((peerId) => this.#peers.get(peerId) ?? []));
  }

  /** Leaves: the SFU closes everything this peer created; local tracks stop. Idempotent. */
  async leave(): Promise<void> {
    if (this.#phase === 'ended') return;
    const connection = this.#connection;
    this.#phase = 'ended';
    this.#dropMedia();
    this.#hooks.close?.();
    if (connection?.connected === true) await connection.request('leave', {}).catch(() => undefined);
    connection?.close();
    this.#connection = undefined;
    for (const track of this.#local?.getTracks() ?? []) track.stop();
    this.#changed();
  }

  /** Connects with a fresh ticket and joins (first join, and after a dropped socket). */
  async #enter(): Promise<void> {
    const ticket = await this.options.ticket();
    if (this.#over) return;
    const connection = this.options.connect?.(ticket.url) ?? new SfuConnection(ticket.url);
    this.#connection = connection;
    this.#listen(connection);
    await connection.opened();
    this.#forgetRoom();
    await this.#admitted(connection, await connection.request('join', { token: ticket.token }));
  }

  async #admitted(connection: SfuConnection, joined: SfuJoined): Promise<void> {
    if (this.#over || connection !== this.#connection) return;
    // Merged, not replaced: someone who entered after the SFU wrote this answer may already have been
    // announced (peer:joined can overtake the answer). A restart's rejoins are not arrivals (#present).
    for (const peer of joined.peers) {
      this.#addPeer(peer.peerId, peer.identity);
      this.#present.add(peer.identity);
    }
    this.#selfPeerId = joined.peerId;
    const local = this.#local;
    if (local === undefined) throw new Error('no local media');
    const media = new CallMedia(joined, {
      connection,
      handlerFactory: this.options.handlerFactory,
      hooks: this.#hooks,
      identityOf: (peerId) => this.#peers.get(peerId) ?? '',
      viewportOf: (peerId, source) => this.#viewports.get(viewportKey(peerId, source)),
      changed: () => this.#changed(),
      report: (error) => this.#report(error),
    });
    this.#media = media;
    // Producers announced before the answer arrived (their producer:new overtook it).
    for (const producer of this.#early.splice(0))
      void media.consume(producer).catch((error: unknown) => this.#report(error));
    try {
      await media.start(local, { muted: this.#muted, cameraOff: this.#cameraOff });
    } catch (error) {
      // Closed under us: a restart or a dropped socket is already being recovered from; that is in charge.
      if (media.closed) return;
      throw error;
    }
    if (media.closed) return;
    this.#phase = 'in-call';
    this.#changed();
  }

  #listen(connection: SfuConnection): void {
    const current = () => connection === this.#connection && !this.#over;
    connection.on('peer:joined', ({ peerId, identity }) => {
      if (!current()) return;
      this.#addPeer(peerId, identity);
      if (!this.#present.has(identity)) this.#events.add('joined', identity);
      this.#present.add(identity);
      this.#changed();
    });
    connection.on('peer:left', ({ peerId }) => {
      if (!current()) return;
      const identity = this.#peers.get(peerId);
      this.#peers.delete(peerId);
      if (identity !== undefined) {
        this.#hooks.left?.({ peerId, identity });
        this.#present.delete(identity);
        this.#events.add('left', identity);
      }
      if (this.#speaker === peerId) this.#speaker = undefined;
      this.#changed();
    });
    connection.on('producer:new', (producer) => {
      if (!current()) return;
      if (this.#media === undefined) this.#early.push(producer);
      else void this.#media.consume(producer).catch((error: unknown) => this.#report(error));
    });
    connection.on('consumer:closed', ({ consumerId }) => {
      if (current()) this.#media?.consumerClosed(consumerId);
    });
    connection.on('speaker:active', ({ peerId }) => {
      if (!current() || this.#speaker === peerId) return;
      this.#speaker = peerId;
      this.#changed();
    });
    connection.on('room:restart', () => {
      if (current()) void this.#recover('the call server restarted the room', () => this.#rejoin(connection));
    });
    connection.onDisconnect(() => {
      if (current()) void this.#recover('the connection to the call server dropped', () => this.#enter());
    });
  }

  /** After `room:restart`: the same socket is still admitted; `rejoin` opens the room on a live worker. */
  async #rejoin(connection: SfuConnection): Promise<void> {
    this.#forgetRoom();
    await this.#admitted(connection, await connection.request('rejoin', {}));
  }

  /** Drops every media object, then tries `attempt` until it works or the call is left. */
  async #recover(reason: string, attempt: () => Promise<void>): Promise<void> {
    this.#report(new ParleyError('UNAVAILABLE', `${reason}; joining again`));
    this.#phase = 'reconnecting';
    this.#dropMedia();
    this.#changed();
    for (let tries = 0; !this.#over; tries += 1) {
      try {
        await attempt();
        this.#recoveries += 1;
        this.#changed();
        return;
      } catch (error) {
        this.#report(error);
        this.#dropMedia();
        // The socket itself may be gone now: from here on, reconnect from scratch with a new ticket.
        this.#connection?.close();
        this.#connection = undefined;
        attempt = () => this.#enter();
        const delay = this.options.retryDelayMs?.(tries) ?? Math.min(500 * 2 ** tries, 8_000);
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    }
  }

  get #over(): boolean {
    return this.#phase === 'ended' || this.#phase === 'failed';
  }

  #addPeer(peerId: string, identity: string): void {
    if (!this.#peers.has(peerId)) this.#hooks.joined?.({ peerId, identity });
    this.#peers.set(peerId, identity);
  }

  /** About to enter a room (again): whoever was in the old one is gone with it. */
  #forgetRoom(): void {
    // The hooks hear them leave too: their new peer ids come with the new room, the old ones must not linger.
    for (const [peerId, identity] of this.#peers) this.#hooks.left?.({ peerId, identity });
    this.#peers.clear();
    this.#early = [];
    this.#speaker = undefined;
  }

  #dropMedia(): void {
    this.#media?.close();
    this.#media = undefined;
  }

  #fail(error: unknown): void {
    if (this.#phase === 'ended') return;
    this.#error = error instanceof Error ? error : new Error(String(error));
    this.#phase = 'failed';
    this.#dropMedia();
    this.#hooks.close?.();
    this.#connection?.close();
    this.#connection = undefined;
    for (const track of this.#local?.getTracks() ?? []) track.stop();
    this.#changed();
  }

  #report(error: unknown): void {
    this.options.report?.(error);
  }

  #changed(): void {
    this.#view.set(this.#build());
  }

  #build(): GroupCallSnapshot {
    const tracks = this.#media?.remoteTracks ?? [];
    return {
      groupId: this.options.groupId,
      phase: this.#phase,
      ...(this.#error === undefined ? {} : { error: this.#error }),
      local: this.#local,
      muted: this.#muted,
      cameraOff: this.#cameraOff,
      participants: [...this.#peers].map(([peerId, identity]) => ({
        peerId,
        identity,
        tracks: tracks.filter((track) => track.peerId === peerId),
      })),
      activeSpeaker: this.#speaker,
      recoveries: this.#recoveries,
      selfPeerId: this.#selfPeerId,
      events: this.#events.lines,
      route: 'sfu',
    };
  }
}
