import {
  callIdentityOfAccount,
  ParleyError,
  type MediaProtection,
  type MediaSource,
  type MeshSession,
  type MeshSessionEvent,
  type ParleyClient,
  type Viewport,
} from '@parley/core';
import { Store } from '../../app/store.js';
import { CallEventLog, MAX_EVENTS } from './call-events.js';
import type { RemoteTrack } from './call-media.dom.js';
import {
  GroupCall,
  type CallRoute,
  type GroupCallHandle,
  type GroupCallPhase,
  type GroupCallSnapshot,
  type Participant,
} from './group-call.dom.js';
import type { GroupCallMediaHooks } from './media-hooks.js';

/** How long a move waits for the SFU to decode everyone before the mesh closes anyway. */
const MOVE_DEADLINE_MS = 30_000;
const MOVE_CHECK_MS = 500;
/** The SFU path's join/leave lines are numbered from here (React keys stay apart from the mesh's). */
const SFU_EVENT_SEQ = 1_000_000;

export interface MeshCallOptions {
  readonly groupId: string;
  readonly client: ParleyClient;
  readonly media: () => Promise<MediaStream>;
  /** The call's frame encryption; shared by the mesh and the SFU path, so the keys stay the same. */
  readonly hooks: GroupCallMediaHooks;
  /** Up to this many people in all, the call stays on the mesh (core's default, 4, when undefined). */
  readonly meshLimit?: number;
  readonly report?: (error: unknown) => void;
}

const meshPeerId = (account: string) => `mesh:${account}`;

/**
 * A group call that starts as a mesh of direct connections (client.groupMesh: each pair a 1:1 call's peer
 * connection, frame-encrypted with the call's keys) and, when the mesh's decider says so, moves to the SFU
 * (docs/sfu.md, "Small calls: the mesh"): route 'moving' joins the SFU (a GroupCall) with the same keys while
 * the mesh stays up; once the SFU decodes everyone the mesh was showing, the screen switches to the SFU's
 * tracks and the mesh's connections close. Nobody clicks anything.
 */
export class MeshCall implements GroupCallHandle {
  /** Mesh participants by account, with the tracks their pair delivered. */
  readonly #members = new Map<string, RemoteTrack[]>();
  /** Accounts whose pair is down (being restarted or re-opened) or was given up: their tile says so. */
  readonly #connection = new Map<string, 'reconnecting' | 'unreachable'>();
  #session: MeshSession | undefined;
  #sfu: GroupCall | undefined;
  #unsubscribeSfu: (() => void) | undefined;
  #local: MediaStream | undefined;
  #phase: GroupCallPhase = 'joining';
  #route: CallRoute = 'mesh';
  #error: Error | undefined;
  #muted = false;
  #cameraOff = false;
  readonly #events = new CallEventLog();
  readonly #view: Store<GroupCallSnapshot>;

  constructor(private readonly options: MeshCallOptions) {
    this.#view = new Store(this.#build());
  }

  get groupId(): string {
    return this.options.groupId;
  }

  readonly subscribe = (listener: () => void): (() => void) => this.#view.subscribe(listener);

  readonly snapshot = (): GroupCallSnapshot => this.#view.get();

  /** Takes the camera and microphone, learns whether the relay has an SFU, and says hello to the group. */
  async start(): Promise<void> {
    try {
      this.#local = await this.options.media();
      this.#changed();
      const sfuAvailable = await this.#sfuAvailable();
      const { hooks } = this.options;
      const session = await this.options.client.groupMesh.join({
        groupId: this.groupId,
        media: this.#local,
        sfuAvailable,
        ...(this.options.meshLimit === undefined ? {} : { meshLimit: this.options.meshLimit }),
        protect: (account) => this.#protection(account),
        ...(hooks.peerConnection === undefined ? {} : { rtcConfig: { ...hooks.peerConnection } }),
        onEvent: (event) => this.#meshEvent(event),
      });
      this.#session = session;
      if (this.#over) {
        await session.leave();
        return;
      }
      this.#phase = 'in-call';
      this.#changed();
    } catch (error) {
      this.#fail(error);
      throw error;
    }
  }

  async setMuted(muted: boolean): Promise<void> {
    this.#muted = muted;
    for (const track of this.#local?.getAudioTracks() ?? []) track.enabled = !muted;
    this.#changed();
    await this.#sfu?.setMuted(muted);
  }

  async setCameraOff(off: boolean): Promise<void> {
    this.#cameraOff = off;
    for (const track of this.#local?.getVideoTracks() ?? []) track.enabled = !off;
    this.#changed();
    await this.#sfu?.setCameraOff(off);
  }

  async setViewport(peerId: string, source: MediaSource, viewport: Viewport): Promise<void> {
    // Mesh connections send one layer; only the SFU picks layers by tile size.
    await this.#sfu?.setViewport(peerId, source, viewport);
  }

  /** Leaves both routes (`bye` to the mesh, `leave` to the SFU); local tracks stop. Idempotent. */
  async leave(): Promise<void> {
    if (this.#phase === 'ended') return;
    this.#phase = 'ended';
    await this.#close();
    this.#changed();
  }

  async #sfuAvailable(): Promise<boolean> {
    try {
      await this.options.client.groupCalls.ticket(this.groupId);
      return true;
    } catch (error) {
      if (!(error instanceof ParleyError && error.code === 'UNAVAILABLE')) this.#report(error);
      return false;
    }
  }

  #protection(account: string): MediaProtection {
    const { hooks } = this.options;
    const identity = callIdentityOfAccount(account);
    const source = (kind: 'audio' | 'video'): MediaSource => (kind === 'audio' ? 'microphone' : 'camera');
    return {
      sender: (sender, kind) => hooks.sender?.(sender as RTCRtpSender, { source: source(kind), kind }),
      receiver: (receiver, kind) =>
        hooks.receiver?.(receiver as RTCRtpReceiver, {
          peerId: meshPeerId(account),
          identity,
          source: source(kind),
          kind,
        }),
    };
  }

  #meshEvent(event: MeshSessionEvent): void {
    if (this.#over) return;
    switch (event.type) {
      case 'joined': {
        this.#members.set(event.account, []);
        this.#connection.delete(event.account);
        const identity = callIdentityOfAccount(event.account);
        this.options.hooks.joined?.({ peerId: meshPeerId(event.account), identity });
        this.#events.add('joined', identity);
        break;
      }
      case 'left': {
        this.#members.delete(event.account);
        this.#connection.delete(event.account);
        const identity = callIdentityOfAccount(event.account);
        this.options.hooks.left?.({ peerId: meshPeerId(event.account), identity });
        this.#events.add('left', identity);
        break;
      }
      case 'track': {
        const track = event.track as MediaStreamTrack;
        const kind = track.kind === 'audio' ? 'audio' : 'video';
        const tracks = (this.#members.get(event.account) ?? []).filter((known) => known.kind !== kind);
        tracks.push({
          consumerId: track.id,
          producerId: track.id,
          peerId: meshPeerId(event.account),
          source: kind === 'audio' ? 'microphone' : 'camera',
          kind,
          track,
        });
        if (this.#members.has(event.account)) this.#members.set(event.account, tracks);
        break;
      }
      case 'path':
        // A bad certificate is worth a word in the log; a path down or back changes the tile.
        if (event.path === 'unauthenticated')
          this.#report(
            new ParleyError('UNAVAILABLE', `mesh connection with ${event.account}: ${event.path}`),
          );
        else if (event.path === 'disconnected') this.#connection.set(event.account, 'reconnecting');
        else this.#connection.delete(event.account);
        break;
      case 'unreachable':
        this.#connection.set(event.account, 'unreachable');
        break;
      case 'move':
        void this.#move().catch((error: unknown) => this.#report(error));
        break;
    }
    this.#changed();
  }

  /**
   * Joins the SFU with the same keys (the call's keyring is the hooks'), keeps the mesh up until the SFU
   * decodes every account the mesh connects us to (or MOVE_DEADLINE_MS passed), then closes the mesh.
   */
  async #move(): Promise<void> {
    const local = this.#local;
    if (this.#sfu !== undefined || local === undefined) return;
    this.#route = 'moving';
    const { client } = this.options;
    // The SFU path gets its own copies of the tracks: it stops them when it ends, the mesh's stay ours.
    const sfu = new GroupCall({
      groupId: this.groupId,
      ticket: () => client.groupCalls.ticket(this.groupId),
      media: async () => local.clone(),
      hooks: { ...this.options.hooks, close: () => undefined },
      report: (error) => this.#report(error),
    });
    this.#sfu = sfu;
    this.#unsubscribeSfu = sfu.subscribe(() => this.#changed());
    this.#changed();
    await sfu.start();
    await sfu.setMuted(this.#muted);
    await sfu.setCameraOff(this.#cameraOff);
    const deadline = Date.now() + MOVE_DEADLINE_MS;
    while (!this.#over && Date.now() < deadline) {
      const decoding = await sfu.decodingIdentities();
      const waiting = [...this.#members.keys()].filter(
        (account) => !decoding.has(callIdentityOfAccount(account)),
      );
      if (waiting.length === 0) break;
      await new Promise((resolve) => setTimeout(resolve, MOVE_CHECK_MS));
    }
    if (this.#over) return;
    this.#session?.closePairs();
    this.#route = 'sfu';
    this.#changed();
  }

  get #over(): boolean {
    return this.#phase === 'ended' || this.#phase === 'failed';
  }

  async #close(): Promise<void> {
    this.#unsubscribeSfu?.();
    const session = this.#session;
    const sfu = this.#sfu;
    this.#session = undefined;
    this.#sfu = undefined;
    this.#members.clear();
    for (const track of this.#local?.getTracks() ?? []) track.stop();
    this.options.hooks.close?.();
    await Promise.all([session?.leave(), sfu?.leave()]);
  }

  #fail(error: unknown): void {
    if (this.#phase === 'ended') return;
    this.#error = error instanceof Error ? error : new Error(String(error));
    this.#phase = 'failed';
    void this.#close().catch((closing: unknown) => this.#report(closing));
    this.#changed();
  }

  #report(error: unknown): void {
    this.options.report?.(error);
  }

  #changed(): void {
    this.#view.set(this.#build());
  }

  #build(): GroupCallSnapshot {
    const common = {
      groupId: this.groupId,
      ...(this.#error === undefined ? {} : { error: this.#error }),
      local: this.#local,
      muted: this.#muted,
      cameraOff: this.#cameraOff,
      route: this.#route,
    };
    const sfu = this.#sfu?.snapshot();
    if (this.#route === 'sfu' && sfu !== undefined && !this.#over)
      return {
        ...sfu,
        ...common,
        // The mesh's lines, then the SFU's (their own sequence, after ours).
        events: [
          ...this.#events.lines,
          ...sfu.events.map((event) => ({ ...event, seq: event.seq + SFU_EVENT_SEQ })),
        ].slice(-MAX_EVENTS),
      };
    const participants: Participant[] = [...this.#members].map(([account, tracks]) => {
      const connection = this.#connection.get(account);
      return {
        peerId: meshPeerId(account),
        identity: callIdentityOfAccount(account),
        tracks,
        ...(connection === undefined ? {} : { connection }),
      };
    });
    return {
      ...common,
      phase: this.#phase,
      participants,
      activeSpeaker: undefined,
      recoveries: 0,
      selfPeerId: undefined,
      events: this.#events.lines,
    };
  }
}
