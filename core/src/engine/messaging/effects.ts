import { ParleyError } from '../../errors/index.js';
import type { ProtocolAddress } from '../../crypto/index.js';
import type { Contact } from '../../storage/index.js';
import { PRIMARY_DEVICE, directConversationId, groupConversationId } from '../shared/addresses.js';
import type { Content, ContentBody } from './content.js';
import type { EngineContext } from '../context.js';
import type { FileManager } from '../files/file-manager.js';
import type { GroupManager } from '../groups/group-manager.js';
import type { Via } from './incoming.js';
import { recordMessageKind } from '../conversations/conversation-list.js';
import { applyProfile } from '../account/profile.js';
import { displayText } from '../trust/display-text.js';
import { recordReaction } from './reactions.js';
import type { StatusManager } from '../status/status-manager.js';
import type { CallKeysService } from '../call-keys/call-keys-service.js';
import type { GroupMeshService } from '../group-mesh/group-mesh-service.js';
import { noteGroupCall } from '../group-calls/group-call-notices.js';

/**
 * What a stored incoming message does beyond being stored: show it, apply an edit or delete (only from
 * the original sender: the ratchet authenticated who sent it), a reaction, a timer, a group change, a
 * file announcement, a status. Never runs for a duplicate.
 */
export async function applyContent(
  ctx: EngineContext,
  parts: {
    files: FileManager;
    groups: GroupManager;
    statuses: StatusManager;
    callKeys: CallKeysService;
    groupMesh: GroupMeshService;
    /** Linked devices: a sync message from another device of ours (devices/sync.ts). */
    sync: (sender: ProtocolAddress, body: Extract<ContentBody, { type: 'sync' }>) => Promise<void>;
  },
  sender: ProtocolAddress,
  content: Content,
  via: Via,
): Promise<void> {
  const body = content.body;
  switch (body.type) {
    case 'text': {
      if (body.expiresInMs !== undefined)
        await ctx.state.put(`expire:${content.id}`, content.sentAt + body.expiresInMs);
      const message = await ctx.db.messages.get(content.id);
      if (message !== undefined) ctx.emit('message', { message, via });
      return;
    }
    case 'file': {
      // Remembered (fileInfo) before the message is announced, so a screen drawing it finds what it is.
      // Its transfer starts first: nothing written here needs to wait for it.
      await Promise.all([
        parts.files.receive(sender, content.id, body),
        recordMessageKind(ctx, content.id, body),
      ]);
      const message = await ctx.db.messages.get(content.id);
      if (message !== undefined) ctx.emit('message', { message, via });
      return;
    }
    case 'edit':
    case 'delete': {
      const target = await ctx.db.messages.get(body.target);
      // Only the original sender may edit or delete; the ratchet authenticated who this is from. Any device
      // of its account is that sender (linked devices: each is vouched for by the account key).
      // A group-change line carries the same id on every device; nobody may rewrite it.
      if (target === undefined || target.kind !== undefined || target.sender.name !== sender.name) {
        ctx.emit(
          'error',
          new ParleyError('ACCESS_DENIED', `${body.type} of a message not sent by its author`),
        );
        return;
      }
      if (body.type === 'edit') {
        if (await ctx.db.messages.edit(body.target, body.text, content.sentAt)) {
          ctx.emit('message-edited', {
            messageId: body.target,
            text: body.text,
            editedAt: content.sentAt,
          });
        }
      } else {
        await ctx.db.messages.deleteForEveryone(body.target, content.sentAt);
        ctx.emit('message-deleted', { messageId: body.target, reason: 'sender' });
      }
      return;
    }
    case 'reaction': {
      const removed = body.remove === true;
      // Stored, latest per account wins; a reaction older than the stored one changes nothing and is not reported.
      if (!(await recordReaction(ctx.state, body.target, sender.name, body.emoji, removed, content.sentAt)))
        return;
      ctx.emit('reaction', { messageId: body.target, from: sender.name, emoji: body.emoji, removed });
      return;
    }
    case 'timer': {
      const conversationId =
        content.groupId === undefined
          ? directConversationId(sender.name)
          : groupConversationId(content.groupId);
      await ctx.state.put(`timer:${conversationId}`, body.expiresInMs);
      ctx.emit('disappearing-timer', { conversationId, expiresInMs: body.expiresInMs });
      return;
    }
    case 'group-join':
      await parts.groups.handleJoin(sender, body.groupId, body.token);
      return;
    case 'group-call': {
      // Only a member may say the group's call started or ended (a group message's sender is checked
      // against membership on the way in; one sent pairwise is checked here).
      const groupId = content.groupId;
      if (groupId === undefined || !(await parts.groups.isMember(groupId, sender.name))) {
        ctx.emit(
          'error',
          new ParleyError('ACCESS_DENIED', 'group call notice from someone not in the group'),
        );
        return;
      }
      await noteGroupCall(ctx, groupId, sender.name, body);
      return;
    }
    case 'group-call-mesh': {
      const groupId = content.groupId;
      if (groupId === undefined || !(await parts.groups.isMember(groupId, sender.name))) {
        ctx.emit(
          'error',
          new ParleyError('ACCESS_DENIED', 'group call mesh message from someone not in the group'),
        );
        return;
      }
      parts.groupMesh.receive(sender, groupId, body, content.sentAt);
      return;
    }
    case 'group-state':
    case 'sender-key':
      await parts.groups.afterCommit(sender, content);
      return;
    case 'status':
    case 'status-view':
    case 'status-delete':
      await parts.statuses.receive(sender, content);
      return;
    case 'frame-key':
      await parts.callKeys.receive(sender, body);
      return;
    case 'profile':
      await applyProfile(ctx, sender.name, body);
      return;
    case 'file-cancelled':
      await parts.files.cancelledBySender(sender, body.target);
      return;
    case 'file-refused':
      await parts.files.refused(sender, body.target, body.reason);
      return;
    case 'file-withdrawn':
      await parts.files.withdrawn(sender, body.target, body.reason);
      return;
    case 'sync':
      // Only our own devices may say what we read, pinned or verified.
      if (sender.name !== ctx.self.name) {
        ctx.emit('error', new ParleyError('ACCESS_DENIED', 'a sync message from another account'));
        return;
      }
      await parts.sync(sender, body);
      return;
    case 'receipt':
      return;
  }
}

/**
 * The contact (and its one-to-one conversation) for `account`, created the first time it is seen: as a
 * message request when someone wrote first, accepted when the person added it (`accept`, from a link).
 */
export async function ensureContact(
  ctx: EngineContext,
  account: string,
  displayName?: string,
  accept = false,
): Promise<Contact> {
  const existing = await ctx.db.contacts.get(account);
  const shown = displayName === undefined ? undefined : displayText(displayName) || account.slice(0, 8);
  const accepting = accept && existing?.accepted === false;
  const accepted = accept ? true : existing === undefined ? false : existing.accepted;
  if (existing !== undefined && !accepting && (shown === undefined || existing.displayName === shown))
    return existing;
  const contact: Contact = {
    account,
    displayName: shown ?? existing?.displayName ?? account.slice(0, 8),
    deviceIds: existing?.deviceIds ?? [PRIMARY_DEVICE],
    addedAt: existing?.addedAt ?? ctx.now(),
    blocked: existing?.blocked ?? false,
    ...(accepted === undefined ? {} : { accepted }),
    ...(existing?.avatar === undefined ? {} : { avatar: existing.avatar }),
  };
  await ctx.db.contacts.put(contact);
  const conversationId = directConversationId(account);
  if ((await ctx.db.conversations.get(conversationId)) === undefined) {
    await ctx.db.conversations.put({
      id: conversationId,
      kind: 'direct',
      title: contact.displayName,
      members: [account],
      lastActivity: ctx.now(),
      unreadCount: 0,
      archived: false,
    });
  }
  if (existing === undefined) ctx.emit('contact-added', contact);
  else if (accepting) ctx.emit('contact-updated', contact);
  return contact;
}

/** Who a message to this conversation goes to: the contact's devices, or every other group member's. */
export async function conversationRecipients(
  ctx: EngineContext,
  groups: GroupManager,
  conversationId: string,
): Promise<{ recipients: ProtocolAddress[]; groupId?: string }> {
  const conversation = await ctx.db.conversations.get(conversationId);
  if (conversation === undefined) throw new ParleyError('NOT_FOUND', `no conversation ${conversationId}`);
  if (conversation.kind === 'group') {
    const groupId = conversationId.slice('group:'.length);
    // Members' lists, fetched when stale, so a device a member unlinked is no longer sent to.
    await Promise.all(
      conversation.members.concat(ctx.self.name).map((account) => ctx.devices.refresh(account)),
    );
    return { recipients: await groups.recipients(groupId), groupId };
  }
  const contact = await ctx.db.contacts.get(conversation.members[0] ?? '');
  if (contact === undefined) throw new ParleyError('NOT_FOUND', 'no contact for this conversation');
  // Every device of the contact, and our own other devices (what we send shows there as sent by us).
  await Promise.all([ctx.devices.refresh(contact.account), ctx.devices.refresh(ctx.self.name)]);
  return { recipients: ctx.devices.fanOut([contact.account, ctx.self.name]) };
}
