import { z } from 'zod';
import { ParleyError } from '../../errors/index.js';
import type { ProtocolAddress } from '../../crypto/index.js';
import type { RelayAttachments } from '../relay/relay-attachments.js';
import type { FileSource, FileSourceDescriptor } from './file-io.js';
import type { FileInfo } from './file-records.js';
import type { FileTransfers } from './file-transfers.js';
import {
  failUpload,
  sendViaRelay,
  uploadDraft,
  type CancelFlag,
  type FileDrafts,
  type UploadMessage,
} from './relay-send.js';
import { fileBodyExtras, type FileOptions } from './types.js';

/** Engine-state key prefix of the files this device is uploading to a relay for an offline peer. */
export const RELAY_UPLOAD_PREFIX = 'file-up:';

const RecordSchema = z.strictObject({
  v: z.literal(1),
  messageId: z.string().min(1).max(128),
  conversationId: z.string().min(1).max(256),
  transferId: z.string().min(1).max(64),
  text: z.string().max(65_536),
  recipient: z.strictObject({ name: z.string().min(1).max(128), deviceId: z.number().int().nonnegative() }),
  recipientIdentity: z.string().min(1).max(256),
  /** How the platform opens the file again; absent for bytes in memory, which a restart loses. */
  source: z.record(z.string(), z.union([z.string(), z.number()])).optional(),
});

type UploadRecord = z.infer<typeof RecordSchema>;

/**
 * Relay uploads that outlive the app. A drafted file message shows "pending" while its bytes upload; the
 * upload itself lives in memory, so an app that closes mid-upload would leave the message pending forever.
 * Each upload is therefore recorded (`file-up:<messageId>`, sealed engine state) until it ends: after a
 * restart it starts again from its first byte when the platform can reopen the file, and otherwise the
 * message fails with the reason, and `retry` (given the file, or reopening it) uploads it again. The record
 * goes once the message is sent or a person cancelled it; a failed one stays for `retry`.
 */
export class RelayUploads {
  constructor(
    private readonly transfers: FileTransfers,
    private readonly relay: (recipient?: string) => RelayAttachments | undefined,
    private readonly options: FileOptions,
    private readonly drafts: FileDrafts,
    /** The bytes are on the relay and the message went: the file's record says so. */
    private readonly sent: (messageId: string) => Promise<void>,
  ) {}

  /** Drafts the message and uploads its bytes; resolves once the message shows, with the upload's promise. */
  async start(
    message: UploadMessage,
    source: FileSource,
    file: Pick<FileInfo, 'caption' | 'thumbnail' | 'voice'>,
    transferId: string,
    recipientIdentity: string,
  ): Promise<{ uploaded: Promise<void> }> {
    const { ctx } = this.transfers;
    const record: UploadRecord = {
      v: 1,
      messageId: message.id,
      conversationId: message.conversationId,
      transferId,
      text: message.text,
      recipient: { name: message.recipient.name, deviceId: message.recipient.deviceId },
      recipientIdentity,
      ...(source.reopen === undefined ? {} : { source: { ...source.reopen } }),
    };
    await ctx.state.put(RELAY_UPLOAD_PREFIX + message.id, record);
    const relay = this.#relayFor(record.recipient);
    const flag = this.#flag(message.id);
    const { uploaded } = await sendViaRelay(
      { ctx, records: this.transfers.records, drafts: this.drafts, relay, flag, sealer: this.options.sealer },
      message,
      source,
      transferId,
      fileBodyExtras(file),
      recipientIdentity,
    );
    return { uploaded: this.#settle(message.id, uploaded, flag) };
  }

  /**
   * After a restart: an upload the app closed on starts again (the platform reopens the file), or its message
   * fails with the reason, waiting for `retry`.
   */
  async restore(): Promise<void> {
    const { ctx, records } = this.transfers;
    for (const key of await ctx.state.keys(RELAY_UPLOAD_PREFIX)) {
      const record = RecordSchema.safeParse(await ctx.state.get(key));
      if (!record.success) {
        await ctx.state.delete(key);
        continue;
      }
      const { messageId, conversationId } = record.data;
      if (this.transfers.relayTransfers.has(messageId)) continue;
      const info = await records.get(messageId);
      if (info?.state === 'failed') continue; // waits for a retry
      if (info?.state !== 'transferring') {
        await ctx.state.delete(key);
        continue;
      }
      let source: FileSource;
      try {
        source = await this.#reopen(record.data, info);
      } catch (error) {
        const why = error instanceof Error ? error.message : 'the file could not be opened again';
        await failUpload(
          { ctx, records, flag: { cancelled: false } },
          { id: messageId, conversationId },
          `the upload stopped when the app closed: ${why}`,
        );
        continue;
      }
      void this.#run(record.data, info, source, true).catch(() => undefined); // its message shows how it ends
    }
  }

  /**
   * Uploads a failed file message's bytes again: `source` is the same file (the app's own copy, or chosen
   * again); without it the platform reopens the file. NOT_FOUND when no upload of that message failed,
   * UNAVAILABLE when the file cannot be opened again, CONFLICT when `source` is not the same size.
   */
  async retry(messageId: string, source?: FileSource): Promise<{ uploaded: Promise<void> }> {
    const { ctx, records } = this.transfers;
    const record = RecordSchema.safeParse(await ctx.state.get(RELAY_UPLOAD_PREFIX + messageId));
    const info = await records.get(messageId);
    if (!record.success || info?.state !== 'failed')
      throw new ParleyError('NOT_FOUND', 'no failed upload of that message to retry');
    const file = source ?? (await this.#reopen(record.data, info));
    if (file.size !== info.size) {
      if (source === undefined) await file.close?.();
      throw new ParleyError('CONFLICT', 'that is not the same file: its size differs');
    }
    await records.setState(messageId, 'transferring');
    await ctx.db.messages.setState(messageId, 'pending');
    ctx.emit('message-state', { messageId, conversationId: record.data.conversationId, state: 'pending' });
    const uploaded = this.#run(record.data, info, file, source === undefined);
    ctx.emit('file-retried', { messageId });
    return { uploaded };
  }

  #run(record: UploadRecord, info: FileInfo, source: FileSource, opened: boolean): Promise<void> {
    const { ctx, records } = this.transfers;
    const message: UploadMessage = {
      id: record.messageId,
      conversationId: record.conversationId,
      recipient: record.recipient,
      text: record.text,
    };
    const flag = this.#flag(record.messageId);
    // Named and typed as the message first said, whatever the copy given to a retry is called.
    const named: FileSource = {
      size: source.size,
      name: info.name,
      mimeType: info.mimeType,
      read: (offset, length) => source.read(offset, length),
    };
    let uploaded: Promise<void>;
    try {
      const relay = this.#relayFor(record.recipient);
      uploaded = uploadDraft(
        { ctx, records, drafts: this.drafts, relay, flag, sealer: this.options.sealer },
        message,
        named,
        record.transferId,
        fileBodyExtras(info),
        record.recipientIdentity,
      );
    } catch (error) {
      uploaded = failUpload({ ctx, records, flag }, message, 'the upload failed: no relay to upload to').then(
        () => Promise.reject(error),
      );
    }
    const settled = this.#settle(record.messageId, uploaded, flag);
    if (opened) void settled.catch(() => undefined).finally(() => source.close?.());
    return settled;
  }

  #flag(messageId: string): CancelFlag {
    const flag: CancelFlag = { cancelled: false };
    this.transfers.relayTransfers.set(messageId, flag);
    return flag;
  }

  #settle(messageId: string, uploaded: Promise<void>, flag: CancelFlag): Promise<void> {
    const { ctx } = this.transfers;
    const settled = uploaded.then(() => this.sent(messageId));
    const forget = () => ctx.state.delete(RELAY_UPLOAD_PREFIX + messageId);
    void settled
      // Sent, or cancelled by a person: nothing to retry. A failure keeps its record for `retry`.
      .then(forget, () => (flag.cancelled ? forget() : undefined))
      .finally(() => {
        // A retry may have started meanwhile, with its own flag.
        if (this.transfers.relayTransfers.get(messageId) === flag)
          this.transfers.relayTransfers.delete(messageId);
      })
      .catch((error: unknown) => this.transfers.report(error));
    return settled;
  }

  #relayFor(recipient: ProtocolAddress): RelayAttachments {
    const relay = this.relay(recipient.name);
    if (relay === undefined) throw new ParleyError('UNAVAILABLE', 'this app cannot upload files to a relay');
    return relay;
  }

  async #reopen(record: UploadRecord, info: FileInfo): Promise<FileSource> {
    if (record.source === undefined || typeof record.source['kind'] !== 'string')
      throw new ParleyError('UNAVAILABLE', 'the file was in memory');
    if (this.options.reopen === undefined)
      throw new ParleyError('UNAVAILABLE', 'this app cannot open files again after a restart');
    const source = await this.options.reopen(record.source as FileSourceDescriptor);
    if (source.size !== info.size) {
      await source.close?.();
      throw new ParleyError('CONFLICT', 'the file to send changed size');
    }
    return source;
  }
}
