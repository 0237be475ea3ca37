import {
  FrameDecryptor,
  FrameEncryptor,
  decodeTrailer,
  type FrameKey,
  type FrameSubtle,
} from '@parley/core/crypto/frames';
import type { DropCounts, TransformSetup, TransformStats } from './messages.js';

/** What the browser hands a transform: RTCEncodedVideoFrame or RTCEncodedAudioFrame. */
export interface EncodedFrame {
  data: ArrayBuffer;
  readonly type?: string;
  getMetadata?(): { mimeType?: string };
}

/**
 * One sender's or receiver's frame transform, platform-neutral (runs in the worker, and in Node for tests):
 * every frame is encrypted or decrypted and passed on, or dropped and counted. It is never passed on as it
 * came: a sender without a key sends nothing, a receiver without the right key shows nothing.
 */
export class FrameTransform {
  readonly setup: TransformSetup;
  readonly #encryptor: FrameEncryptor | undefined;
  readonly #decryptor: FrameDecryptor | undefined;
  #passed = 0;
  readonly #dropped: DropCounts = {
    noKey: 0,
    unknownKey: 0,
    failed: 0,
    replayed: 0,
    unsupported: 0,
    empty: 0,
  };
  readonly #keyIds: number[] = [];
  readonly #unknownKeyIds: number[] = [];

  constructor(setup: TransformSetup, subtle?: FrameSubtle) {
    this.setup = setup;
    const options = subtle === undefined ? {} : { subtle };
    if (setup.role === 'sender')
      this.#encryptor = new FrameEncryptor({ stream: setup.stream ?? 0, ...options });
    else this.#decryptor = new FrameDecryptor(options);
  }

  /** A sender's own key (the newest wins), or a key of the participant a receiver belongs to. */
  async addKey(key: FrameKey): Promise<void> {
    if (this.#encryptor !== undefined) await this.#encryptor.setKey(key);
    else this.#decryptor?.addKey(key);
  }

  /** The frame to pass on (its data replaced), or undefined when it is dropped. */
  async transform<F extends EncodedFrame>(frame: F): Promise<F | undefined> {
    const data = new Uint8Array(frame.data);
    const { kind } = this.setup;
    if (this.#decryptor !== undefined && data.length === 0) {
      this.#dropped.empty += 1;
      return undefined;
    }
    try {
      if (this.#encryptor !== undefined) {
        if (this.#encryptor.keyId === undefined) {
          this.#dropped.noKey += 1;
          return undefined;
        }
        const codec = frame.getMetadata?.().mimeType ?? this.setup.codec;
        frame.data = toBuffer(
          await this.#encryptor.encrypt(data, { kind, codec, keyframe: frame.type === 'key' }),
        );
        this.#count(this.#encryptor.keyId);
      } else if (this.#decryptor !== undefined) {
        frame.data = toBuffer(await this.#decryptor.decrypt(data, kind));
        this.#count(decodeTrailer(data).keyId);
      }
      return frame;
    } catch (error) {
      this.#drop(error, data);
      return undefined;
    }
  }

  /** A TransformStream doing `transform` on every frame, in order. */
  stream<F extends EncodedFrame>(): TransformStream<F, F> {
    return new TransformStream<F, F>({
      transform: async (frame, controller) => {
        const out = await this.transform(frame);
        if (out !== undefined) controller.enqueue(out);
      },
    });
  }

  stats(): TransformStats {
    const { id, role, kind, participantId } = this.setup;
    return {
      id,
      role,
      kind,
      ...(participantId === undefined ? {} : { participantId }),
      passed: this.#passed,
      dropped: { ...this.#dropped },
      keyIds: [...this.#keyIds],
      unknownKeyIds: [...this.#unknownKeyIds],
    };
  }

  #count(keyId: number | undefined): void {
    this.#passed += 1;
    if (keyId !== undefined) remember(this.#keyIds, keyId);
  }

  #drop(error: unknown, data: Uint8Array): void {
    const code = (error as { code?: unknown }).code;
    if (code === 'DUPLICATE_MESSAGE') this.#dropped.replayed += 1;
    else if (code === 'BAD_REQUEST') this.#dropped.unsupported += 1;
    else {
      const unknown = this.#decryptor === undefined ? undefined : unknownKeyOf(this.#decryptor, data);
      if (code === 'DECRYPT_FAILED' && unknown !== undefined) {
        this.#dropped.unknownKey += 1;
        remember(this.#unknownKeyIds, unknown);
      } else this.#dropped.failed += 1;
    }
  }
}

/** Keeps the last 8 distinct key ids, in order of use. */
function remember(keyIds: number[], keyId: number): void {
  if (keyIds.at(-1) === keyId) return;
  keyIds.push(keyId);
  if (keyIds.length > 8) keyIds.shift();
}

/** The key id a frame names when the decryptor does not hold it; undefined for a held key or no trailer. */
function unknownKeyOf(decryptor: FrameDecryptor, data: Uint8Array): number | undefined {
  try {
    const { keyId } = decodeTrailer(data);
    return decryptor.keyIds.includes(keyId) ? undefined : keyId;
  } catch {
    return undefined;
  }
}

function toBuffer(bytes: Uint8Array): ArrayBuffer {
  return bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength
    ? (bytes.buffer as ArrayBuffer)
    : (bytes.slice().buffer as ArrayBuffer);
}
