import type { FrameKey } from '@parley/core/crypto/frames';

/*
 * What the main thread and the frame worker say to each other. Keys cross as raw bytes (FrameKey); the
 * worker derives the AES keys itself, non-extractable, so they never leave it.
 */

export type TransformRole = 'sender' | 'receiver';

/** Set when a transform is created (RTCRtpScriptTransform options, or with the streams). */
export interface TransformSetup {
  readonly id: number;
  readonly role: TransformRole;
  readonly kind: 'audio' | 'video';
  /** The codec when the frame's metadata does not say (older browsers): 'vp8' or 'opus'. */
  readonly codec: string;
  /** Sender: this track's stream number under the sender's key (never shared by two tracks). */
  readonly stream?: number;
  /** Receiver: whose frames these are (an account name). */
  readonly participantId?: string;
}

export type ToWorker =
  | { readonly type: 'local-key'; readonly key: FrameKey }
  | { readonly type: 'remote-key'; readonly participantId: string; readonly key: FrameKey }
  | {
      readonly type: 'streams';
      readonly setup: TransformSetup;
      readonly readable: ReadableStream;
      readonly writable: WritableStream;
    }
  | { readonly type: 'stop'; readonly id: number }
  | { readonly type: 'stats'; readonly request: number };

/** Why a frame was not passed on. A frame is encrypted (or decrypted) and passed on, or dropped: never sent as it came. */
export interface DropCounts {
  /** Sender: no own key yet. */
  noKey: number;
  /** Receiver: the frame names a key id we do not hold (not given to us, or retired). */
  unknownKey: number;
  /** Receiver: it does not authenticate (altered, wrong key) or carries no trailer at all. */
  failed: number;
  replayed: number;
  /** A codec without a safe frame layout (H.264). */
  unsupported: number;
  /** Receiver: a frame of no bytes (Chromium delivers a few for audio; nothing to decrypt or show). */
  empty: number;
}

export interface TransformStats {
  readonly id: number;
  readonly role: TransformRole;
  readonly kind: 'audio' | 'video';
  readonly participantId?: string;
  /** Frames encrypted (sender) or decrypted (receiver) and passed on. */
  readonly passed: number;
  readonly dropped: DropCounts;
  /** Key ids of the frames passed on, oldest first (the last 8). */
  readonly keyIds: readonly number[];
  /** Receiver: key ids named by frames dropped for want of that key (the last 8): what the sender used. */
  readonly unknownKeyIds: readonly number[];
}

export type FromWorker = {
  readonly type: 'stats';
  readonly request: number;
  readonly stats: TransformStats[];
};
