import { ParleyError } from '../../errors/index.js';
import {
  serializeAttachmentDescriptor,
  type AttachmentSealer,
  type ProtocolAddress,
} from '../../crypto/index.js';
import type { ContentBody } from '../messaging/content.js';
import type { EngineContext } from '../context.js';
import { fileBodyExtras, outgoingFileInfo, type OutgoingFile } from './types.js';
import { EncryptingReader, sealFile } from './attachment-stream.js';
import { bytesSource } from './file-io.js';
import type { FileRecords } from './file-records.js';
import type { RelayAttachments } from '../relay/relay-attachments.js';
import { namespacedId } from '../trust/message-ids.js';

type FileBody = Extract<ContentBody, { type: 'file' }>;

export interface GroupFileOptions {
  readonly maxBytes: number;
  /** Seals the file's chunks on another thread (the client's `attachmentSealer`), when it has one. */
  readonly sealer?: AttachmentSealer | undefined;
  /** Where file messages are remembered for drawing them again (the one FileManager keeps, `fileInfo`). */
  readonly records: FileRecords;
  /** The attachment API of the relay the group's members use; undefined without `fetch` or before auth. */
  readonly relay: (recipient: string) => RelayAttachments | undefined;
  /** Writes the announcing group message (outbox, sender key) and resolves its id. */
  readonly queue: (options: {
    conversationId: string;
    groupId?: string;
    recipients: readonly ProtocolAddress[];
    body: FileBody;
    text: string;
    /** Chosen before the upload, so its progress events already name the message. */
    id: string;
  }) => Promise<string>;
}

/**
 * Files to a group: encrypted once as an attachment, uploaded once to the relay's attachment store for every
 * member who is a recipient now, and announced by one sender-key group message carrying the key, digest,
 * relay hash, thumbnail and voice metadata. Each member's FileManager downloads, decrypts and acknowledges it
 * exactly as it does a one-to-one file left on the relay, so the relay deletes it after the last member's
 * ack. A member removed before the send is neither a recipient of the upload nor of the message.
 */
export class GroupFiles {
  constructor(
    private readonly ctx: EngineContext,
    private readonly options: GroupFileOptions,
  ) {}

  /**
   * `groupId` undefined: a one-to-one conversation whose people have several devices (linked devices), sent
   * the same way: one upload for every device, one message per device over its pairwise session.
   */
  async send(
    conversationId: string,
    groupId: string | undefined,
    recipients: readonly ProtocolAddress[],
    file: OutgoingFile,
  ): Promise<string> {
    const source = 'source' in file ? file.source : bytesSource(file.bytes, file.name, file.mimeType);
    if (source.size > this.options.maxBytes) throw new ParleyError('PAYLOAD_TOO_LARGE', 'file is too large');
    const [first] = recipients;
    if (first === undefined) throw new ParleyError('BAD_REQUEST', 'the group has no other member');
    const relay = this.options.relay(first.name);
    if (relay === undefined) {
      throw new ParleyError(
        'UNAVAILABLE',
        "files to a group need the relay's attachment API (fetch, connected)",
      );
    }
    const { sealer } = this.options;
    const through = sealer === undefined ? {} : { sealer };
    const sealed = await sealFile(source, this.ctx.crypto, { sha256: true, ...through });
    const relayHash = sealed.sha256;
    if (relayHash === undefined) throw new ParleyError('INTERNAL', 'sealed file has no relay hash');
    const ciphertext = new EncryptingReader(source, sealed, this.ctx.crypto, through);
    const body: FileBody = {
      type: 'file',
      transferId: this.ctx.newId(),
      name: source.name,
      mimeType: source.mimeType,
      size: ciphertext.size,
      descriptor: serializeAttachmentDescriptor(sealed.descriptor),
      relayHash,
      ...fileBodyExtras(file),
    };
    const messageId = namespacedId(this.ctx.self.name, this.ctx.newId());
    const audience = [...new Set(recipients.map((recipient) => this.ctx.devices.relayIdentity(recipient)))];
    const { records } = this.options;
    // Remembered like a one-to-one file, before any progress event names the message.
    await records.put(outgoingFileInfo(messageId, source, file));
    try {
      await relay.upload(ciphertext, relayHash, audience, (bytes, total) =>
        this.ctx.emit('file-progress', { messageId, direction: 'send', bytes, total }),
      );
    } catch (error) {
      await records.delete(messageId); // no message was written: nothing to draw
      throw error;
    }
    await this.options.queue({
      conversationId,
      ...(groupId === undefined ? {} : { groupId }),
      recipients,
      body,
      text: file.caption ?? source.name,
      id: messageId,
    });
    // Every byte is on the relay for every member: done here, as a one-to-one file left on the relay is.
    await records.setState(messageId, 'complete');
    this.ctx.emit('file-sent', { messageId });
    return messageId;
  }
}
