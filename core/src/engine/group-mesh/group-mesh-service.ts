import { resolveOptions, type ProtocolAddress } from '../../crypto/index.js';
import { ParleyError } from '../../errors/index.js';
import type { GroupMeshBody } from '../../protocol/group-mesh.js';
import type { CallsService } from '../calls/calls-service.js';
import type { MediaProtection } from '../calls/call-peer.js';
import { LocalMedia, type CallMediaStream } from '../calls/local-media.js';
import type { EngineContext } from '../context.js';
import type { GroupCallsService } from '../group-calls/group-calls-service.js';
import { PRIMARY_DEVICE } from '../shared/addresses.js';
import { DEFAULT_MESH_LIMIT, MeshSession, type MeshSessionEvent, type PairRecovery } from './mesh-session.js';
import { meshPairId } from './pair-id.js';

/** A hello older than this is from a join long over (it waited in an outbox): not answered. */
const HELLO_FRESH_MS = 60_000;

export interface MeshGroups {
  isMember(groupId: string, account: string): Promise<boolean>;
  recipients(groupId: string): Promise<ProtocolAddress[]>;
}

export interface JoinMeshOptions {
  readonly groupId: string;
  /** The local microphone and camera; the session sends them and never stops them (the app does). */
  readonly media: CallMediaStream;
  /** Whether the home relay has an SFU to move to (client.groupCalls.ticket did not fail UNAVAILABLE). */
  readonly sfuAvailable: boolean;
  /** Up to this many people in all the call stays a mesh; DEFAULT_MESH_LIMIT (4) by default. */
  readonly meshLimit?: number;
  /** Frame encryption on every mesh connection's senders and receivers (the same keys as on the SFU). */
  readonly protect?: (account: string) => MediaProtection;
  readonly rtcConfig?: Readonly<Record<string, unknown>>;
  /** How often and how soon a lost pair is re-opened; DEFAULT_PAIR_RECOVERY (3 tries from 1 s) by default. */
  readonly recovery?: PairRecovery;
  /** The session's events, from before its hello goes out (answers can come back at once). */
  readonly onEvent: (event: MeshSessionEvent) => void;
}

/**
 * `client.groupMesh`: small group calls without the SFU (docs/protocol.md, "Group call mesh"). `join` opens
 * this device's MeshSession for a group's call; mesh messages from members are routed to it. Each pair is a
 * 1:1 call's peer connection (client.calls.openPair): sealed signalling, DTLS checked against the sealed SDP.
 */
export class GroupMeshService {
  readonly #sessions = new Map<string, MeshSession>();

  constructor(
    private readonly ctx: EngineContext,
    private readonly groups: MeshGroups,
    private readonly calls: CallsService,
    private readonly groupCalls: GroupCallsService,
  ) {}

  /** Joins `groupId`'s call as a mesh participant; the session says hello. CONFLICT when already in it. */
  async join(options: JoinMeshOptions): Promise<MeshSession> {
    this.ctx.assertOpen();
    const { groupId } = options;
    if (this.#sessions.has(groupId)) throw new ParleyError('CONFLICT', 'already in this group’s call');
    const room = await this.groupCalls.room(groupId);
    const backend = resolveOptions(this.ctx.crypto).backend;
    const session: MeshSession = new MeshSession({
      room,
      session: this.ctx.newId(),
      self: this.ctx.self.name,
      local: new LocalMedia(options.media, { video: true }),
      meshLimit: options.meshLimit ?? DEFAULT_MESH_LIMIT,
      sfuAvailable: options.sfuAvailable,
      ...(options.protect === undefined ? {} : { protect: options.protect }),
      ...(options.rtcConfig === undefined ? {} : { rtcConfig: options.rtcConfig }),
      send: (to, body) => this.#send(groupId, to, body),
      openPair: (pair) => this.calls.openPair(pair),
      pairId: (a, b) => meshPairId(backend, room, a, b),
      timers: this.ctx.timers,
      ...(options.recovery === undefined ? {} : { recovery: options.recovery }),
      report: (error) => this.ctx.report(error),
      closed: () => {
        if (this.#sessions.get(groupId) === session) this.#sessions.delete(groupId);
      },
    });
    this.#sessions.set(groupId, session);
    session.on(options.onEvent);
    await session.start();
    return session;
  }

  /** A mesh message from `sender` about `groupId`'s call (a member: the caller checked). */
  receive(sender: ProtocolAddress, groupId: string, body: GroupMeshBody, sentAt: number): void {
    if (body.event === 'hello' && this.ctx.now() - sentAt > HELLO_FRESH_MS) return;
    this.#sessions.get(groupId)?.receive(sender.name, body);
  }

  async closeAll(): Promise<void> {
    await Promise.all([...this.#sessions.values()].map((session) => session.leave()));
  }

  async #send(groupId: string, to: readonly string[] | 'everyone', body: GroupMeshBody): Promise<void> {
    const recipients =
      to === 'everyone'
        ? await this.groups.recipients(groupId)
        : to.map((name) => ({ name, deviceId: PRIMARY_DEVICE }));
    if (recipients.length > 0) await this.ctx.sendControl(recipients, body, groupId);
  }
}
