import { ParleyError } from '../../errors/index.js';
import {
  serializeAttachmentDescriptor,
  type AttachmentSealer,
  type ProtocolAddress,
} from '../../crypto/index.js';
import type { EngineContext } from '../context.js';
import type { QueueOptions } from '../messaging/outgoing.js';
import type { RelayAttachments } from '../relay/relay-attachments.js';
import { EncryptingReader, sealFile } from './attachment-stream.js';
import type { FileSource } from './file-io.js';
import type { FileRecords } from './file-records.js';
import type { FileBody } from './types.js';
import type { FileKindHint } from '../conversations/conversation-list.js';

/** Writing a file message before its bytes are on the relay, and sending it once they are. */
export interface FileDrafts {
  draft(
    draft: { id: string; conversationId: string; text: string; attachmentId: string },
    kind: FileKindHint,
  ): Promise<void>;
  release(options: QueueOptions): Promise<void>;
}

/** What a person's cancel reads: transfers in flight check it between pieces. */
export interface CancelFlag {
  cancelled: boolean;
}

/** The reason a transfer carries when a person cancelled it (both ends tell it from a failure by this). */
export const PERSON_CANCELLED = 'cancelled';

export interface RelaySend {
  readonly ctx: EngineContext;
  readonly records: FileRecords;
  readonly drafts: FileDrafts;
  readonly relay: RelayAttachments;
  readonly flag: CancelFlag;
  /** Seals the file's chunks on another thread (the client's `attachmentSealer`), when it has one. */
  readonly sealer?: AttachmentSealer | undefined;
}

/** The file message an upload belongs to. */
export interface UploadMessage {
  readonly id: string;
  readonly conversationId: string;
  readonly recipient: ProtocolAddress;
  readonly text: string;
}

/**
 * The peer is offline: the bytes wait on the relay. The message shows at once (a draft: pending, no outbox
 * entry), the upload runs behind it with progress, and the message goes out only once the relay has every
 * byte. A cancelled or failed upload fails the message here; the peer never hears of it.
 */
export async function sendViaRelay(
  deps: RelaySend,
  message: UploadMessage,
  source: FileSource,
  transferId: string,
  extras: Pick<FileBody, 'caption' | 'thumbnail' | 'voice'>,
  recipientIdentity: string,
): Promise<{ uploaded: Promise<void> }> {
  await deps.drafts.draft(
    { id: message.id, conversationId: message.conversationId, text: message.text, attachmentId: transferId },
    {
      type: 'file',
      mimeType: source.mimeType,
      ...(extras.voice === undefined ? {} : { voice: extras.voice }),
    },
  );
  return { uploaded: uploadDraft(deps, message, source, transferId, extras, recipientIdentity) };
}

/**
 * Uploads the bytes of a drafted file message (sealed afresh: a new key each time) and sends the message
 * once the relay has them all; a failure or cancel fails the message, with its reason.
 */
export function uploadDraft(
  deps: RelaySend,
  message: UploadMessage,
  source: FileSource,
  transferId: string,
  extras: Pick<FileBody, 'caption' | 'thumbnail' | 'voice'>,
  recipientIdentity: string,
): Promise<void> {
  const { ctx, drafts, relay, flag, sealer } = deps;
  const upload = async () => {
    // Two passes (the relay names the upload by the ciphertext's hash): both sealed on the sealer's thread.
    const through = sealer === undefined ? {} : { sealer };
    const sealed = await sealFile(source, ctx.crypto, { sha256: true, ...through });
    const ciphertext = new EncryptingReader(source, sealed, ctx.crypto, through);
    const relayHash = sealed.sha256 ?? '';
    if (flag.cancelled) throw new ParleyError('CLOSED', 'upload cancelled');
    await relay.upload(
      ciphertext,
      relayHash,
      [recipientIdentity],
      (bytes, total) => ctx.emit('file-progress', { messageId: message.id, direction: 'send', bytes, total }),
      () => flag.cancelled,
    );
    const body: FileBody = {
      type: 'file',
      transferId,
      name: source.name,
      mimeType: source.mimeType,
      ...extras,
      size: ciphertext.size,
      descriptor: serializeAttachmentDescriptor(sealed.descriptor),
      relayHash,
    };
    await drafts.release({
      id: message.id,
      conversationId: message.conversationId,
      recipients: [message.recipient],
      body,
      text: message.text,
    });
  };
  return upload().catch(async (error: unknown) => {
    const reason = flag.cancelled
      ? 'you cancelled the upload'
      : `the upload failed: ${error instanceof Error ? error.message : String(error)}`;
    await failUpload(deps, message, reason);
    throw error;
  });
}

/** Fails a drafted file message: its file record, the message, and the events a screen shows it by. */
export async function failUpload(
  deps: Pick<RelaySend, 'ctx' | 'records' | 'flag'>,
  message: Pick<UploadMessage, 'id' | 'conversationId'>,
  reason: string,
): Promise<void> {
  const { ctx, records, flag } = deps;
  if (flag.cancelled) await records.cancel(message.id, 'local');
  else await records.setState(message.id, 'failed', reason);
  await ctx.db.messages.setState(message.id, 'failed');
  ctx.emit('message-state', {
    messageId: message.id,
    conversationId: message.conversationId,
    state: 'failed',
    reason,
  });
  if (flag.cancelled) ctx.emit('file-cancelled', { messageId: message.id, direction: 'send', by: 'local' });
  else ctx.emit('file-failed', { messageId: message.id, direction: 'send', reason });
}
