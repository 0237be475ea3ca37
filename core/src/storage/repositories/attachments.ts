import { inTransaction, type StorageContext } from '../context.js';
import type { AttachmentRow } from '../schema.js';
import type { AttachmentMetadata, AttachmentState } from '../types.js';

/** Attachment metadata (the bytes live elsewhere); each attachment's content key is wrapped at rest. */
export class AttachmentRepository {
  constructor(private readonly context: StorageContext) {}

  async put(attachment: AttachmentMetadata): Promise<void> {
    const key = await this.context.keyWrapper.wrap(attachment.key);
    const { fileName, ...rest } = attachment;
    const sealedFileName = this.context.content.sealText(fileName);
    await inTransaction(this.context.write(['attachments']), async (tx) => {
      await tx.objectStore('attachments').put({ ...rest, key, sealedFileName });
    });
  }

  async get(id: string): Promise<AttachmentMetadata | undefined> {
    const row = await this.context.db.get('attachments', id);
    return row === undefined ? undefined : this.unwrapRow(row);
  }

  async forMessage(messageId: string): Promise<AttachmentMetadata[]> {
    const rows = await this.context.db.getAllFromIndex('attachments', 'byMessage', messageId);
    return Promise.all(rows.map((row) => this.unwrapRow(row)));
  }

  /** Moves an attachment along upload/download; `blobId` is recorded once the relay has assigned one. */
  async setState(id: string, state: AttachmentState, blobId?: string): Promise<boolean> {
    return inTransaction(this.context.write(['attachments']), async (tx) => {
      const store = tx.objectStore('attachments');
      const row = await store.get(id);
      if (row === undefined) return false;
      await store.put({ ...row, state, ...(blobId === undefined ? {} : { blobId }) });
      return true;
    });
  }

  async remove(id: string): Promise<void> {
    await inTransaction(this.context.write(['attachments']), async (tx) => {
      await tx.objectStore('attachments').delete(id);
    });
  }

  private async unwrapRow(row: AttachmentRow): Promise<AttachmentMetadata> {
    const key = await this.context.keyWrapper.unwrap(row.key);
    if (!('sealedFileName' in row)) return { ...row, key };
    const { sealedFileName, ...rest } = row;
    return { ...rest, key, fileName: this.context.content.openText(sealedFileName) };
  }
}
