import { ParleyError } from '../../errors/index.js';
import {
  GroupCipher,
  resolveOptions,
  senderKeyRecordTags,
  type ProtocolAddress,
} from '../../crypto/index.js';
import { fromBase64Url, toBase64Url } from '../../protocol/encoding.js';
import type { StagedCryptoStores } from '../../storage/index.js';
import { PRIMARY_DEVICE, groupConversationId } from '../shared/addresses.js';
import { GroupStateSchema, type Content, type GroupState } from '../messaging/content.js';
import type { EngineContext } from '../context.js';
import { recordGroupChange } from './group-changes.js';
import { groupChangeSignerKey, shareKeysAfterDeviceChange, type GroupKeyHolder } from './group-devices.js';
import { SenderTagIndex, type TaggedSender } from './group-sealing.js';
import { signGroupState, validateGroupState } from './groups.js';
import { displayText } from '../trust/display-text.js';
import { isCreatedBy, namespacedId } from '../trust/message-ids.js';
import { REDISTRIBUTE_KEY } from '../trust/restore.js';

interface StoredGroup {
  state: GroupState;
  signature: string;
}

const GROUP_KEY_PREFIX = 'group:';
const key = (groupId: string) => `${GROUP_KEY_PREFIX}${groupId}`;
/** The admin we asked to join a group through its invite link, until its first state arrives. */
const joinKey = (groupId: string) => `group-join:${groupId}`;

export const INVITE_PREFIX = 'parley://group?';

export interface GroupInvite {
  readonly groupId: string;
  readonly token: string;
  readonly admin: string;
  readonly relayUrl: string;
  readonly name: string;
}

export function parseGroupInvite(link: string): GroupInvite {
  if (!link.startsWith(INVITE_PREFIX)) throw new ParleyError('BAD_REQUEST', 'not a parley://group link');
  const query = new URLSearchParams(link.slice(INVITE_PREFIX.length));
  const invite = {
    groupId: query.get('id') ?? '',
    token: query.get('token') ?? '',
    admin: query.get('admin') ?? '',
    relayUrl: query.get('relay') ?? '',
    name: (query.get('name') ?? '').slice(0, 256),
  };
  if (
    !/^[A-Za-z0-9_-]{1,64}$/.test(invite.groupId) ||
    invite.token.length === 0 ||
    invite.admin.length === 0
  ) {
    throw new ParleyError('BAD_REQUEST', 'malformed group invite link');
  }
  return invite;
}

/**
 * Groups: signed group states that every member validates (only admins change a group; anyone may leave),
 * and sender keys. Our sender key goes to each member over the pairwise session; when someone leaves or
 * is removed, every remaining member rotates its key and sends the new one to the remaining members only.
 */
export class GroupManager {
  /** Who sent a sealed group message, for the sender keys we hold (group-sealing.ts). */
  readonly #tags: SenderTagIndex;

  constructor(
    private readonly ctx: EngineContext,
    private readonly kick: () => void,
    /** Our home relay, for invite links. */
    private readonly relayUrl: () => string,
  ) {
    this.#tags = new SenderTagIndex(ctx.db, ctx.crypto);
  }

  /** The group and member whose sender key a sealed group message's tag names, if we were given it. */
  senderOfTag(tag: Uint8Array): Promise<TaggedSender | undefined> {
    return this.#tags.lookup(tag);
  }

  async get(groupId: string): Promise<GroupState | undefined> {
    const stored = (await this.ctx.state.get(key(groupId))) as StoredGroup | undefined;
    return stored === undefined ? undefined : GroupStateSchema.parse(stored.state);
  }

  async isMember(groupId: string, account: string): Promise<boolean> {
    return (await this.get(groupId))?.members.includes(account) ?? false;
  }

  /** Every other member's device: who a group message goes to. */
  async recipients(groupId: string): Promise<ProtocolAddress[]> {
    const state = await this.get(groupId);
    if (state === undefined || !state.members.includes(this.ctx.self.name)) {
      throw new ParleyError('ACCESS_DENIED', 'not a member of this group');
    }
    return this.others(state.members);
  }

  /**
   * After a restore (trust/restore.ts) our sender keys were rotated before the client started: each group's
   * other members get the new one. Idempotent; a crash before the end repeats it on the next start.
   */
  async finishRestore(): Promise<void> {
    const groups = await this.ctx.state.get(REDISTRIBUTE_KEY);
    if (!Array.isArray(groups)) return;
    const cipher = new GroupCipher(this.ctx.db.senderKeys, this.ctx.self, this.ctx.crypto);
    for (const groupId of groups) {
      const state = typeof groupId === 'string' ? await this.get(groupId) : undefined;
      if (state === undefined || !state.members.includes(this.ctx.self.name)) continue;
      const distribution = await this.ctx.queue.run(`group:${state.groupId}`, () =>
        cipher.distribution(state.groupId),
      );
      await this.sendKey(state.groupId, distribution, this.others(state.members));
    }
    await this.ctx.state.delete(REDISTRIBUTE_KEY);
    this.kick();
  }

  /** Creates a group with us as its only admin; resolves its conversation id. */
  async create(name: string, members: readonly string[]): Promise<string> {
    // In our namespace: the id commits to our key, so members can tell who created the group.
    const groupId = namespacedId(this.ctx.self.name, this.ctx.newId());
    const state: GroupState = {
      groupId,
      version: 1,
      name,
      members: [...new Set([this.ctx.self.name, ...members])],
      admins: [this.ctx.self.name],
      inviteToken: this.ctx.newId(),
      changedBy: this.ctx.self.name,
    };
    await this.publish(undefined, state);
    return groupConversationId(groupId);
  }

  addMembers(groupId: string, accounts: readonly string[]): Promise<GroupState> {
    return this.change(groupId, (state) => ({
      ...state,
      members: [...new Set([...state.members, ...accounts])],
    }));
  }

  removeMember(groupId: string, account: string): Promise<GroupState> {
    return this.change(groupId, (state) => ({
      ...state,
      members: state.members.filter((member) => member !== account),
      admins: state.admins.filter((admin) => admin !== account),
    }));
  }

  promote(groupId: string, account: string): Promise<GroupState> {
    return this.change(groupId, (state) => {
      if (!state.members.includes(account))
        throw new ParleyError('BAD_REQUEST', 'only a member can be an admin');
      return { ...state, admins: [...new Set([...state.admins, account])] };
    });
  }

  leave(groupId: string): Promise<GroupState> {
    return this.removeMember(groupId, this.ctx.self.name);
  }

  rename(groupId: string, name: string, avatar?: string): Promise<GroupState> {
    return this.change(groupId, (state) => ({ ...state, name, ...(avatar === undefined ? {} : { avatar }) }));
  }

  /** A new invite token: links with the old one stop working. */
  resetInvite(groupId: string): Promise<GroupState> {
    return this.change(groupId, (state) => ({ ...state, inviteToken: this.ctx.newId() }));
  }

  /**
   * A `parley://group` link with the current invite token and how to reach us (an admin): whoever opens it
   * asks us to add them, and we do while the token is current. `resetInvite` makes old links useless.
   */
  async inviteLink(groupId: string): Promise<string> {
    const state = await this.get(groupId);
    if (state === undefined) throw new ParleyError('NOT_FOUND', 'unknown group');
    if (!state.admins.includes(this.ctx.self.name))
      throw new ParleyError('ACCESS_DENIED', 'only an admin invites');
    const query = new URLSearchParams({
      id: groupId,
      token: state.inviteToken,
      admin: this.ctx.self.name,
      relay: this.relayUrl(),
      name: state.name,
    });
    return `${INVITE_PREFIX}${query.toString()}`;
  }

  /** Someone asked to join with a token: added if we are an admin and the token is the current one. */
  async handleJoin(sender: ProtocolAddress, groupId: string, token: string): Promise<void> {
    const state = await this.get(groupId);
    if (state === undefined || !state.admins.includes(this.ctx.self.name)) return;
    if (state.members.includes(sender.name)) return;
    if (token !== state.inviteToken) {
      this.ctx.emit(
        'error',
        new ParleyError('ACCESS_DENIED', 'a join request with an old or wrong invite token'),
      );
      return;
    }
    await this.addMembers(groupId, [sender.name]);
  }

  /** Sender keys that arrive with a message are installed on its staged stores and committed with it. */
  async beforeCommit(sender: ProtocolAddress, content: Content, stage: StagedCryptoStores): Promise<void> {
    if (content.body.type !== 'sender-key') return;
    const cipher = new GroupCipher(stage.senderKeys, this.ctx.self, this.ctx.crypto);
    const groupId = await cipher.processDistribution(sender, fromBase64Url(content.body.distribution));
    if (groupId !== content.body.groupId)
      throw new ParleyError('BAD_REQUEST', 'sender key names another group');
    await this.#requireOwnSigningKey(groupId, sender, stage);
  }

  /**
   * A member who was given Carol's sender key could send it on as its own: its tag would then map to that
   * member, and Carol's messages, whose signatures still verify, would be shown as the member's. A signing
   * key already registered for someone else in this group is refused.
   */
  async #requireOwnSigningKey(
    groupId: string,
    sender: ProtocolAddress,
    stage: StagedCryptoStores,
  ): Promise<void> {
    const record = await stage.senderKeys.loadSenderKey(groupId, sender);
    if (record === undefined) return;
    const { backend } = resolveOptions(this.ctx.crypto);
    for (const tag of senderKeyRecordTags(backend, groupId, record)) {
      const holder = await this.#tags.lookup(tag);
      if (
        holder !== undefined &&
        (holder.sender.name !== sender.name || holder.sender.deviceId !== sender.deviceId)
      )
        throw new ParleyError('ACCESS_DENIED', "a sender key whose signing key is another member's");
    }
  }

  /**
   * Asks `invite.admin` to add us. Remembered, so that the first state of this group we accept is the one
   * that admin sends (see `#mayIntroduce`).
   */
  async requestJoin(invite: GroupInvite): Promise<void> {
    await this.ctx.state.put(joinKey(invite.groupId), invite.admin);
    await this.ctx.sendControl([{ name: invite.admin, deviceId: PRIMARY_DEVICE }], {
      type: 'group-join',
      groupId: invite.groupId,
      token: invite.token,
    });
  }

  async afterCommit(sender: ProtocolAddress, content: Content): Promise<void> {
    const body = content.body;
    if (body.type === 'sender-key') await this.#tags.added(body.groupId, sender);
    if (body.type !== 'group-state') return;
    const current = await this.get(body.state.groupId);
    try {
      const signerKey = groupChangeSignerKey(this.ctx.devices, sender);
      validateGroupState(current, body.state, body.signature, sender.name, this.ctx.crypto, signerKey);
      if (current === undefined && !(await this.#mayIntroduce(body.state.groupId, sender.name)))
        throw new ParleyError(
          'ACCESS_DENIED',
          'a new group comes from its creator or the admin we asked to join, not from anyone else',
        );
    } catch (error) {
      if (error instanceof ParleyError) this.ctx.emit('error', error);
      return;
    }
    if (current === undefined) await this.ctx.state.delete(joinKey(body.state.groupId));
    await this.apply(current, body.state, body.signature, {
      sentAt: content.sentAt,
      counter: content.counter,
    });
  }

  /**
   * Who may give us the first state of a group we do not know: its creator (the group id is in the creator's
   * namespace, trust/message-ids.ts) or the admin whose invite we opened. Anyone else who learnt the id could
   * otherwise seed a state of their own with a huge version, and every genuine change would then be stale.
   */
  async #mayIntroduce(groupId: string, sender: string): Promise<boolean> {
    if (isCreatedBy(groupId, sender)) return true;
    return (await this.ctx.state.get(joinKey(groupId))) === sender;
  }

  private async change(groupId: string, update: (state: GroupState) => GroupState): Promise<GroupState> {
    const current = await this.get(groupId);
    if (current === undefined) throw new ParleyError('NOT_FOUND', 'unknown group');
    const next = { ...update(current), version: current.version + 1, changedBy: this.ctx.self.name };
    await this.publish(current, next);
    return next;
  }

  /** Signs, validates like a member would, stores, and sends to everyone in the old or new state. */
  private async publish(current: GroupState | undefined, next: GroupState): Promise<void> {
    const signature = signGroupState(this.ctx.identity, next);
    validateGroupState(
      current,
      next,
      signature,
      this.ctx.self.name,
      this.ctx.crypto,
      this.ctx.identity.identityKey,
    );
    const audience = [...new Set([...(current?.members ?? []), ...next.members])];
    await this.ctx.sendControl(this.others(audience), { type: 'group-state', state: next, signature });
    await this.apply(current, next, signature, { sentAt: this.ctx.now(), counter: this.ctx.nextCounter() });
    this.kick();
  }

  /** Stores an accepted state and writes its line into the conversation (`at`: when its author made it). */
  private async apply(
    current: GroupState | undefined,
    next: GroupState,
    signature: string,
    at: { readonly sentAt: number; readonly counter: number },
  ): Promise<void> {
    const self = this.ctx.self.name;
    const stored: StoredGroup = { state: next, signature };
    await this.ctx.state.put(key(next.groupId), stored);
    const conversationId = groupConversationId(next.groupId);
    const conversation = await this.ctx.db.conversations.get(conversationId);
    await this.ctx.db.conversations.put({
      // Keeps what the group state does not set (last message, pinned, muted).
      ...conversation,
      id: conversationId,
      kind: 'group',
      // The signed name stays as its admin wrote it; what is shown loses disguising characters.
      title: displayText(next.name),
      members: next.members.filter((member) => member !== self),
      lastActivity: conversation?.lastActivity ?? this.ctx.now(),
      unreadCount: conversation?.unreadCount ?? 0,
      archived: conversation?.archived ?? false,
    });
    // Before the 'group' event, so a screen that re-reads the conversation on it finds the line.
    await recordGroupChange(this.ctx, current, next, at);
    const removedSelf = !next.members.includes(self);
    if (removedSelf) {
      await this.ctx.db.senderKeys.deleteGroup(next.groupId);
      this.#tags.invalidate();
      this.ctx.emit('group', { state: next, removedSelf });
      return;
    }
    // Coming back after a removal is joining afresh: our old sender key was deleted, so everyone needs our new one.
    const before = current?.members.includes(self) === true ? current.members : [];
    const removed = before.filter((member) => !next.members.includes(member));
    const added = next.members.filter((member) => !before.includes(member) && member !== self);
    const cipher = new GroupCipher(this.ctx.db.senderKeys, this.ctx.self, this.ctx.crypto);
    if (removed.length > 0) {
      // Whoever left must not read what follows: a new chain, given only to the members who remain.
      const distribution = await this.ctx.queue.run(`group:${next.groupId}`, () =>
        cipher.rotate(next.groupId),
      );
      await this.sendKey(next.groupId, distribution, this.others(next.members));
    } else if (added.length > 0) {
      const distribution = await this.ctx.queue.run(`group:${next.groupId}`, () =>
        cipher.distribution(next.groupId),
      );
      // Joining (or creating) gives our key to every device, our own other devices included.
      await this.sendKey(next.groupId, distribution, this.others(before.length === 0 ? next.members : added));
    }
    // Reported once our key matches the new membership, so what the app sends next uses it.
    this.ctx.emit('group', { state: next, removedSelf });
  }

  private async sendKey(groupId: string, distribution: Uint8Array, to: ProtocolAddress[]): Promise<void> {
    if (to.length === 0) return;
    await this.ctx.sendControl(to, { type: 'sender-key', groupId, distribution: toBase64Url(distribution) });
  }

  /** A member's (or our) device list changed: our sender keys follow it (group-devices.ts). */
  async devicesChanged(account: string, added: readonly number[], removed: boolean): Promise<void> {
    const groups: GroupKeyHolder = {
      groupIds: async () =>
        (await this.ctx.state.keys(GROUP_KEY_PREFIX)).map((k) => k.slice(GROUP_KEY_PREFIX.length)),
      get: (groupId) => this.get(groupId),
      sendKey: (groupId, distribution, to) => this.sendKey(groupId, distribution, to),
    };
    await shareKeysAfterDeviceChange(this.ctx, groups, account, added, removed);
    this.kick();
  }

  /** Every device of these accounts but this one: ours included when `accounts` names us (linked devices). */
  private others(accounts: readonly string[]): ProtocolAddress[] {
    return this.ctx.devices.fanOut(accounts);
  }
}
