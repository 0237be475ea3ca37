import { resolveOptions } from '../../crypto/index.js';
import { ParleyError } from '../../errors/index.js';
import type { ProtocolAddress } from '../../crypto/index.js';
import type { EngineContext } from '../context.js';
import type { GroupState } from '../messaging/content.js';
import type { RelayConnection } from '../relay/relay-connection.js';
import { groupCallActivity, noteGroupCall } from './group-call-notices.js';
import { groupCallRoomId } from './room-id.js';
import type { GroupCallActivity, GroupCallNotice } from './types.js';

/** What the service needs of groups: the signed state this device holds. */
export interface GroupCallGroups {
  get(groupId: string): Promise<GroupState | undefined>;
  /** Every other member's device. */
  recipients(groupId: string): Promise<ProtocolAddress[]>;
}

/** Everything a client needs to enter a group's call on the SFU (docs/sfu.md, "Joining"). */
export interface GroupCallTicket {
  readonly groupId: string;
  /** The room id only members can derive (room-id.ts). */
  readonly room: string;
  /** The relay-signed join token for `room`, valid until `expiresAt` (Unix ms). */
  readonly token: string;
  readonly expiresAt: number;
  /** The SFU's signalling endpoint, as the relay announces it. */
  readonly url: string;
}

/**
 * `client.groupCalls`: the engine's half of group calls on the SFU. It derives a group's room from the group's
 * secrets and asks the home relay for a join token (`sfu:token`); the media (mediasoup-client) live in the
 * app, which takes the ticket to the SFU. Core stays free of mediasoup.
 */
export class GroupCallsService {
  constructor(
    private readonly ctx: EngineContext,
    private readonly groups: GroupCallGroups,
    private readonly home: () => RelayConnection,
  ) {}

  /** The group's SFU room id; NOT_FOUND for a group this device does not hold, ACCESS_DENIED once removed. */
  async room(groupId: string): Promise<string> {
    const group = await this.#memberGroup(groupId);
    return groupCallRoomId(resolveOptions(this.ctx.crypto).backend, group);
  }

  /**
   * A fresh ticket for the group's call: a new token each time (tokens live a minute, enough to connect).
   * UNAVAILABLE when the relay runs no SFU.
   */
  async ticket(groupId: string): Promise<GroupCallTicket> {
    this.ctx.assertOpen();
    const room = await this.room(groupId);
    const granted = await this.home().request('sfu:token', { room });
    return { groupId, room, token: granted.token, expiresAt: granted.expiresAt, url: granted.url };
  }

  /** The group's running call as far as this device has heard; undefined when none is known. */
  active(groupId: string): Promise<GroupCallActivity | undefined> {
    return groupCallActivity(this.ctx, groupId);
  }

  /**
   * Tells the group's members that its call started: the app calls this when it joined an empty room. They
   * show "Call in progress — Join" until the end is announced. Returns the call id for `ended`.
   */
  async started(groupId: string): Promise<string> {
    const notice: GroupCallNotice = { event: 'started', callId: this.ctx.newId(), startedAt: this.ctx.now() };
    await this.#announce(groupId, notice);
    return notice.callId;
  }

  /**
   * Tells the members the call ended (the app calls it when the last one in the room leaves): the banner goes,
   * and everyone writes the call's line into the group. Ends the call this device knows as running.
   */
  async ended(groupId: string): Promise<void> {
    const active = await this.active(groupId);
    if (active === undefined) return;
    await this.#announce(groupId, { event: 'ended', callId: active.callId, startedAt: active.startedAt });
  }

  async #announce(groupId: string, notice: GroupCallNotice): Promise<void> {
    this.ctx.assertOpen();
    await this.#memberGroup(groupId);
    await noteGroupCall(this.ctx, groupId, this.ctx.self.name, notice);
    const recipients = await this.groups.recipients(groupId);
    await this.ctx.sendControl(recipients, { type: 'group-call', ...notice }, groupId);
  }

  async #memberGroup(groupId: string): Promise<GroupState> {
    const group = await this.groups.get(groupId);
    if (group === undefined) throw new ParleyError('NOT_FOUND', 'no such group');
    if (!group.members.includes(this.ctx.self.name))
      throw new ParleyError('ACCESS_DENIED', 'you are no longer a member of this group');
    return group;
  }
}
