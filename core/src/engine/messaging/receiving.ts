import type { ProtocolAddress } from '../../crypto/index.js';
import type { Verification } from '../contacts/verification.js';
import type { ContentBody } from './content.js';
import type { EngineContext } from '../context.js';
import type { FileManager } from '../files/file-manager.js';
import type { GroupManager } from '../groups/group-manager.js';
import type { StatusManager } from '../status/status-manager.js';
import type { CallKeysService } from '../call-keys/call-keys-service.js';
import type { GroupMeshService } from '../group-mesh/group-mesh-service.js';
import { applyContent, ensureContact } from './effects.js';
import type { IncomingHandlers } from './incoming.js';

/**
 * What a received message sets off beyond being stored, wired to the concepts that own it: group sender
 * keys and membership (groups/), the sender's verification (contacts/), and the message's effects.
 */
export function receivingHandlers(
  ctx: EngineContext,
  parts: {
    groups: GroupManager;
    verification: Verification;
    statuses: StatusManager;
    callKeys: CallKeysService;
    groupMesh: GroupMeshService;
    /** Late: the files service is built after the inbox's owner. */
    files: () => FileManager;
    sync: (sender: ProtocolAddress, body: Extract<ContentBody, { type: 'sync' }>) => Promise<void>;
  },
): IncomingHandlers {
  const { groups } = parts;
  return {
    ensureContact: (account, accept) => ensureContact(ctx, account, undefined, accept),
    isGroupMember: (groupId, account) => groups.isMember(groupId, account),
    senderOfTag: (tag) => groups.senderOfTag(tag),
    beforeCommit: (sender, content, stage) => groups.beforeCommit(sender, content, stage),
    // A file's transfer starts beside the message's write, before its effects run (verification, the chat
    // list, the offer).
    beforeStore: (sender, content) =>
      content.body.type === 'file' ? parts.files().prestart(sender, content.id, content.body) : undefined,
    // Its record, and what resumes its transfer, are stored with the message: a restart cannot come between.
    storedWith: (sender, content) =>
      content.body.type === 'file' ? parts.files().storedWith(sender, content.id, content.body) : [],
    afterCommit: async (sender, content, via) => {
      if (sender.name !== ctx.self.name) await parts.verification.check(sender.name);
      const effects = {
        files: parts.files(),
        groups,
        statuses: parts.statuses,
        callKeys: parts.callKeys,
        groupMesh: parts.groupMesh,
        sync: parts.sync,
      };
      await applyContent(ctx, effects, sender, content, via);
    },
  };
}
