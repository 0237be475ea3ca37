import { resolveOptions } from '../../crypto/index.js';
import { ParleyError } from '../../errors/index.js';
import type { ProtocolAddress } from '../../crypto/index.js';
import type { EngineContext } from '../context.js';
import type { GroupState } from '../messaging/content.js';
import type { RelayConnection } from '../relay/relay-connection.js';
import {
  expireGroupCalls,
  GROUP_CALL_HEARTBEAT_MS,
  groupCallActivity,
  noteGroupCall,
  visibleGroupCall,
} from './group-call-notices.js';
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
  /** Groups whose call this device is in, and when it last told the members so (heartbeats). */
  readonly #participating = new Map<string, number>();

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

  /**
   * The group's running call as far as this device has heard; undefined when none is known, or when it has
   * not been heard of for GROUP_CALL_NOTICE_TTL_MS (its last participants vanished without a word).
   */
  active(groupId: string): Promise<GroupCallActivity | undefined> {
    return visibleGroupCall(this.ctx, groupId);
  }

  /**
   * The app is in the group's call now (it started it or joined it): until `left`, the client's sweep tells
   * the members every GROUP_CALL_HEARTBEAT_MS that the call still runs. Held in memory only: a device that
   * crashes stops, and the members' banner goes once the call is quiet.
   */
  joined(groupId: string): void {
    this.#participating.set(groupId, this.ctx.now());
  }

  /** The app left the group's call (before `ended`, when it was the last one). */
  left(groupId: string): void {
    this.#participating.delete(groupId);
  }

  /** Run by the client's sweep: heartbeats for the calls this device is in, expiry of quiet ones. */
  async sweep(): Promise<void> {
    const now = this.ctx.now();
    for (const [groupId, lastSent] of this.#participating) {
      if (now - lastSent < GROUP_CALL_HEARTBEAT_MS) continue;
      this.#participating.set(groupId, now);
      const call = await groupCallActivity(this.ctx, groupId);
      if (call === undefined) continue;
      await this.#announce(groupId, { event: 'alive', callId: call.callId, startedAt: call.startedAt }).catch(
        (error: unknown) => this.ctx.report(error),
      );
    }
    await expireGroupCalls(this.ctx);
  }

  /**
   * Tells the group's members that its call started: the app calls this when it joined an empty room. They
   * show "Call in progress — Join" until the end is announced. Returns the call id for `ended`.
   * A call still known as running is over (the SFU just said nobody is in its room: its last participants left
   * together or crashed, and nobody announced the end), so its end is announced first: its line is written and
   * the members' banner is this call's, not a dead one's.
   */
  async started(groupId: string): Promise<string> {
    await this.ended(groupId);
    const notice: GroupCallNotice = { event: 'started', callId: this.ctx.newId(), startedAt: this.ctx.now() };
    await this.#announce(groupId, notice);
    return notice.callId;
  }

  /**
   * Tells the members the call ended (the app calls it when the last one in the room leaves): the banner goes,
   * and everyone writes the call's line into the group. Ends the call this device knows as running.
   */
  async ended(groupId: string): Promise<void> {
    // A call gone quiet is ended too: its line is written for everyone.
    const active = await groupCallActivity(this.ctx, groupId);
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
