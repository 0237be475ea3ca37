import type { Contact } from '../../storage/index.js';
import type { EngineContext } from '../context.js';
import { formatContactLink } from '../contacts/contact-link.js';
import type { GroupState } from '../messaging/content.js';
import { groupConversationId } from '../shared/addresses.js';
import { parseGroupInvite, type GroupManager } from './group-manager.js';
import type { TaggedSender } from './group-sealing.js';

/** What joining a group needs from contacts: adding the inviting admin. */
export interface GroupContacts {
  add(link: string): Promise<Contact>;
}

/**
 * `client.groups`: creating groups, changing members, admins, name and avatar, invite links and joining
 * by one. The signed group states, sender keys and incoming changes stay inside GroupManager.
 */
export class GroupsService {
  constructor(
    private readonly ctx: EngineContext,
    /** The engine's group state; incoming messages reach it directly. */
    private readonly manager: GroupManager,
    private readonly contacts: GroupContacts,
  ) {}

  /** After a restore: sends our rotated sender keys to each group's members (trust/restore.ts). */
  finishRestore(): Promise<void> {
    return this.manager.finishRestore();
  }

  get(groupId: string): Promise<GroupState | undefined> {
    return this.manager.get(groupId);
  }

  /** The group and member a sealed group message's sender tag names, if this device holds that sender key. */
  senderOfTag(tag: Uint8Array): Promise<TaggedSender | undefined> {
    return this.manager.senderOfTag(tag);
  }

  isMember(groupId: string, account: string): Promise<boolean> {
    return this.manager.isMember(groupId, account);
  }

  /** Creates a group with us as its only admin; resolves its conversation id (`group:<id>`). */
  create(name: string, members: readonly string[]): Promise<string> {
    return this.manager.create(name, members);
  }

  addMembers(groupId: string, accounts: readonly string[]): Promise<GroupState> {
    return this.manager.addMembers(groupId, accounts);
  }

  removeMember(groupId: string, account: string): Promise<GroupState> {
    return this.manager.removeMember(groupId, account);
  }

  promote(groupId: string, account: string): Promise<GroupState> {
    return this.manager.promote(groupId, account);
  }

  leave(groupId: string): Promise<GroupState> {
    return this.manager.leave(groupId);
  }

  rename(groupId: string, name: string, avatar?: string): Promise<GroupState> {
    return this.manager.rename(groupId, name, avatar);
  }

  /** A new invite token: links made before stop working. */
  resetInvite(groupId: string): Promise<GroupState> {
    return this.manager.resetInvite(groupId);
  }

  /** A `parley://group` link whoever opens it can ask to join with (admins only). */
  inviteLink(groupId: string): Promise<string> {
    return this.manager.inviteLink(groupId);
  }

  /**
   * Opens a `parley://group` invite: adds the inviting admin as a contact and asks to join. Once the admin
   * accepts, the group arrives as a 'group' event like any other group change.
   */
  async join(link: string): Promise<string> {
    const invite = parseGroupInvite(link);
    if ((await this.ctx.db.contacts.get(invite.admin)) === undefined)
      await this.contacts.add(
        formatContactLink({
          account: invite.admin,
          relayUrl: invite.relayUrl,
          displayName: invite.admin.slice(0, 8),
        }),
      );
    await this.manager.requestJoin(invite);
    return groupConversationId(invite.groupId);
  }
}
