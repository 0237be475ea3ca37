import { fromBase64Url, toBase64Url } from '../../protocol/encoding.js';
import type { EngineStateStore } from '../shared/state-store.js';

/**
 * Where a file stands on this device: still moving, every byte here (or confirmed by the peer), failed, or
 * cancelled by one of the two people.
 */
export type FileTransferState = 'transferring' | 'complete' | 'failed' | 'cancelled';

/**
 * What this device remembers of a file message, sent or received, so a screen can draw it again after a
 * restart (the stored message keeps only its text: the caption or the name). The bytes live in the sink.
 */
export interface FileInfo {
  readonly messageId: string;
  readonly direction: 'send' | 'receive';
  readonly name: string;
  readonly mimeType: string;
  /** Plaintext bytes. */
  readonly size: number;
  readonly caption?: string;
  readonly thumbnail?: Uint8Array;
  readonly voice?: { readonly durationMs: number; readonly waveform: readonly number[] };
  readonly state: FileTransferState;
  /** Who stopped a cancelled transfer: this device's person, or the other side. */
  readonly cancelledBy?: 'local' | 'remote';
  /** Why a failed transfer failed, in the engine's words (the other side's, when it said why). */
  readonly reason?: string;
}

type StoredFileInfo = Omit<FileInfo, 'thumbnail'> & { readonly thumbnail?: string };

const PREFIX = 'file:';

/** The key and value `FileRecords.put` writes, for a caller that writes it in a transaction of its own. */
export function fileRecordEntry(info: FileInfo): { readonly key: string; readonly value: StoredFileInfo } {
  const { thumbnail, ...rest } = info;
  return {
    key: PREFIX + info.messageId,
    value: { ...rest, ...(thumbnail === undefined ? {} : { thumbnail: toBase64Url(thumbnail) }) },
  };
}

/** File records in the engine's state store (sealed at rest like the rest of it), one per message. */
export class FileRecords {
  constructor(private readonly state: EngineStateStore) {}

  async put(info: FileInfo): Promise<void> {
    const { key, value } = fileRecordEntry(info);
    await this.state.put(key, value);
  }

  async get(messageId: string): Promise<FileInfo | undefined> {
    const stored = (await this.state.get(PREFIX + messageId)) as StoredFileInfo | undefined;
    if (stored === undefined) return undefined;
    const { thumbnail, ...rest } = stored;
    return { ...rest, ...(thumbnail === undefined ? {} : { thumbnail: fromBase64Url(thumbnail) }) };
  }

  /** Moves a known file to `state` (a failure with its reason); returns false for an unknown message. */
  async setState(messageId: string, state: FileTransferState, reason?: string): Promise<boolean> {
    const stored = (await this.state.get(PREFIX + messageId)) as StoredFileInfo | undefined;
    if (stored === undefined) return false;
    const { reason: _previous, ...rest } = stored;
    await this.state.put(PREFIX + messageId, {
      ...rest,
      state,
      ...(state === 'failed' && reason !== undefined ? { reason } : {}),
    });
    return true;
  }

  /** A person cancelled the transfer, here or at the other end. */
  async cancel(messageId: string, by: 'local' | 'remote'): Promise<boolean> {
    const stored = (await this.state.get(PREFIX + messageId)) as StoredFileInfo | undefined;
    if (stored === undefined) return false;
    await this.state.put(PREFIX + messageId, { ...stored, state: 'cancelled', cancelledBy: by });
    return true;
  }

  async delete(messageId: string): Promise<void> {
    await this.state.delete(PREFIX + messageId);
  }
}
