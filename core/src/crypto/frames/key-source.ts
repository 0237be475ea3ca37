import type { FrameKey } from './frame-key.js';

/** A key of this device (`local`) or of a participant became available. */
export type FrameKeyChange =
  | { readonly kind: 'local'; readonly key: FrameKey }
  | { readonly kind: 'remote'; readonly participantId: string; readonly key: FrameKey };

/**
 * What an encoded transform reads its keys from: the engine's call keyring (client.callKeys), or anything
 * else with this shape (a test page's fixed keys). Participants are account names.
 */
export interface FrameKeySource {
  /** The key this device encrypts with now; undefined before the first. */
  readonly localKey: FrameKey | undefined;
  /** The keys held for a participant, oldest first. */
  remoteKeys(participantId: string): readonly FrameKey[];
  /** Calls `listener` for every key that becomes available; returns the unsubscribe function. */
  onChange(listener: (change: FrameKeyChange) => void): () => void;
}
