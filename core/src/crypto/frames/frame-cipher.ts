import { ParleyError } from '../../errors/index.js';
import {
  MAX_COUNTER,
  MAX_STREAM,
  TAG_LENGTH,
  TRAILER_LENGTH,
  clearBytes,
  decodeTrailer,
  encodeTrailer,
  frameAad,
  frameIv,
  type MediaKind,
} from './format.js';
import {
  MAX_RATCHET_STEPS,
  deriveFrameKey,
  ratchetFrameKey,
  type DerivedFrameKey,
  type FrameKey,
} from './frame-key.js';
import { ReplayWindow } from './replay-window.js';
import { defaultSubtle, type FrameSubtle } from './subtle.js';

export interface OutgoingFrame {
  readonly kind: MediaKind;
  /** 'opus', 'vp8' (or a MIME type such as 'video/VP8'); others are refused (format.ts clearBytes). */
  readonly codec: string;
  readonly keyframe: boolean;
}

/**
 * Encrypts one local track's frames under this sender's current frame key. `stream` tells this track's frames
 * apart from the sender's other tracks under the same key: (stream, counter) never repeats for a key, so no
 * IV does. Give every encryptor of one sender a different stream (a keyring hands them out).
 */
export class FrameEncryptor {
  readonly #subtle: FrameSubtle;
  readonly #stream: number;
  #current: DerivedFrameKey | undefined;
  #counter = 0;
  #requested = 0;

  constructor(options: { stream: number; subtle?: FrameSubtle }) {
    if (!Number.isInteger(options.stream) || options.stream < 0 || options.stream > MAX_STREAM)
      throw new ParleyError('BAD_REQUEST', 'a frame stream is a u16');
    this.#stream = options.stream;
    this.#subtle = options.subtle ?? defaultSubtle();
  }

  get keyId(): number | undefined {
    return this.#current?.keyId;
  }

  /** Switches to `frameKey` for the frames that follow (the last call wins when derivations overlap). */
  async setKey(frameKey: FrameKey): Promise<void> {
    const request = ++this.#requested;
    const derived = await deriveFrameKey(this.#subtle, frameKey);
    if (request === this.#requested) this.#current = derived;
  }

  async encrypt(frame: Uint8Array, info: OutgoingFrame): Promise<Uint8Array> {
    const current = this.#current;
    if (current === undefined) throw new ParleyError('UNAVAILABLE', 'no frame key yet');
    if (this.#counter > MAX_COUNTER)
      throw new ParleyError('CLOSED', 'frame counter exhausted: this stream needs a new encryptor');
    const counter = this.#counter++;
    const clear = frame.subarray(0, Math.min(clearBytes(info.codec, info.keyframe), frame.length));
    const trailer = encodeTrailer({
      keyId: current.keyId,
      stream: this.#stream,
      counter,
      clear: clear.length,
    });
    const sealed = new Uint8Array(
      await this.#subtle.encrypt(
        {
          name: 'AES-GCM',
          iv: frameIv(current.salt, this.#stream, counter),
          additionalData: frameAad(info.kind, clear, trailer),
        },
        current.key,
        frame.subarray(clear.length),
      ),
    );
    const out = new Uint8Array(clear.length + sealed.length + TRAILER_LENGTH);
    out.set(clear, 0);
    out.set(sealed, clear.length);
    out.set(trailer, clear.length + sealed.length);
    return out;
  }
}

/** Frames decrypted under a newer key after which the older keys of the sender are forgotten. */
export const RETIRE_AFTER_FRAMES = 64;

/**
 * Decrypts one remote sender's frames (one receiver: a track of one participant). It holds the keys it was
 * given by key id; once frames under a newer key have decrypted for a while, older keys are forgotten for
 * good (a key id below the newest one in use is never taken again), so frames in flight during a switch
 * still decrypt but the old key does not stay usable. Each (key, stream) has a replay window. A frame under a
 * key id a few past the newest held one is tried under that key ratcheted forward (someone joined: the sender
 * switched at once, ratchetFrameKey); the ratcheted key is kept only once a frame authenticated under it.
 */
export class FrameDecryptor {
  readonly #subtle: FrameSubtle;
  readonly #retireAfter: number;
  readonly #keys = new Map<number, Promise<DerivedFrameKey>>();
  /** The secrets behind #keys, to ratchet forward from. */
  readonly #secrets = new Map<number, FrameKey>();
  /** Keys ratcheted from held ones, by key id, until a frame authenticates under one. */
  readonly #ratcheted = new Map<number, Promise<{ frameKey: FrameKey; derived: DerivedFrameKey }>>();
  readonly #windows = new Map<string, ReplayWindow>();
  /** Key ids below this are retired. */
  #floor = 0;
  #newestUsed = -1;
  #framesUnderNewest = 0;

  constructor(options: { subtle?: FrameSubtle; retireAfterFrames?: number } = {}) {
    this.#subtle = options.subtle ?? defaultSubtle();
    this.#retireAfter = options.retireAfterFrames ?? RETIRE_AFTER_FRAMES;
  }

  /** The key ids held now (for tests and diagnostics). */
  get keyIds(): number[] {
    return [...this.#keys.keys()].sort((a, b) => a - b);
  }

  /** Adds a key of this sender; a retired (or already held) key id is ignored. */
  addKey(frameKey: FrameKey): void {
    if (frameKey.keyId < this.#floor || this.#keys.has(frameKey.keyId)) return;
    this.#hold(frameKey, deriveFrameKey(this.#subtle, frameKey));
  }

  #hold(frameKey: FrameKey, derived: Promise<DerivedFrameKey>): void {
    // A key that fails to derive (bad length) is dropped; frames under it fail as unknown.
    derived.catch(() => {
      this.#keys.delete(frameKey.keyId);
      this.#secrets.delete(frameKey.keyId);
    });
    this.#keys.set(frameKey.keyId, derived);
    this.#secrets.set(frameKey.keyId, frameKey);
    for (const id of [...this.#ratcheted.keys()]) if (id <= frameKey.keyId) this.#ratcheted.delete(id);
  }

  /**
   * `keyId` ratcheted forward from the newest held key below it, if that is at most MAX_RATCHET_STEPS back;
   * derived once per key id however many frames ask.
   */
  #ratchet(keyId: number): Promise<{ frameKey: FrameKey; derived: DerivedFrameKey }> | undefined {
    const cached = this.#ratcheted.get(keyId);
    if (cached !== undefined) return cached;
    const base = Math.max(-1, ...[...this.#secrets.keys()].filter((id) => id < keyId));
    const from = this.#secrets.get(base);
    if (from === undefined || keyId - base > MAX_RATCHET_STEPS) return undefined;
    const ratcheted = (async () => {
      let frameKey = from;
      while (frameKey.keyId < keyId) frameKey = await ratchetFrameKey(this.#subtle, frameKey);
      return { frameKey, derived: await deriveFrameKey(this.#subtle, frameKey) };
    })();
    ratcheted.catch(() => this.#ratcheted.delete(keyId));
    this.#ratcheted.set(keyId, ratcheted);
    return ratcheted;
  }

  /**
   * The frame's plaintext (clear header ‖ payload). DECRYPT_FAILED for an unknown or retired key, a tampered
   * frame or header, or another kind's frame; DUPLICATE_MESSAGE for a replayed frame.
   */
  async decrypt(frame: Uint8Array, kind: MediaKind): Promise<Uint8Array> {
    const trailerInfo = decodeTrailer(frame);
    const held = this.#keys.get(trailerInfo.keyId);
    const ratcheted =
      held === undefined && trailerInfo.keyId >= this.#floor ? this.#ratchet(trailerInfo.keyId) : undefined;
    if (held === undefined && ratcheted === undefined)
      throw new ParleyError('DECRYPT_FAILED', `no frame key ${trailerInfo.keyId} for this sender`);
    let key: DerivedFrameKey;
    let ratchetedKey: FrameKey | undefined;
    try {
      if (held !== undefined) key = await held;
      else {
        // Defined: `ratcheted` is set whenever `held` is not (the throw above).
        const result = await (ratcheted as Promise<{ frameKey: FrameKey; derived: DerivedFrameKey }>);
        key = result.derived;
        ratchetedKey = result.frameKey;
      }
    } catch (error) {
      throw new ParleyError('DECRYPT_FAILED', 'frame key could not be derived', { cause: error });
    }
    const windowId = `${trailerInfo.keyId}:${trailerInfo.stream}`;
    // Made only once a frame authenticated: forged trailers naming other streams allocate nothing.
    if (this.#windows.get(windowId)?.fresh(trailerInfo.counter) === false)
      throw new ParleyError('DUPLICATE_MESSAGE', 'replayed frame');
    const clear = frame.subarray(0, trailerInfo.clear);
    const trailer = frame.subarray(frame.length - TRAILER_LENGTH);
    const sealed = frame.subarray(trailerInfo.clear, frame.length - TRAILER_LENGTH);
    if (sealed.length < TAG_LENGTH) throw new ParleyError('DECRYPT_FAILED', 'frame too short');
    let payload: Uint8Array;
    try {
      payload = new Uint8Array(
        await this.#subtle.decrypt(
          {
            name: 'AES-GCM',
            iv: frameIv(key.salt, trailerInfo.stream, trailerInfo.counter),
            additionalData: frameAad(kind, clear, trailer),
          },
          key.key,
          sealed,
        ),
      );
    } catch (error) {
      throw new ParleyError('DECRYPT_FAILED', 'frame does not authenticate', { cause: error });
    }
    // Accepted only now: a forged frame must not burn a counter. Another frame may have raced us here.
    let window = this.#windows.get(windowId);
    if (window === undefined) {
      window = new ReplayWindow();
      this.#windows.set(windowId, window);
    }
    if (!window.fresh(trailerInfo.counter)) throw new ParleyError('DUPLICATE_MESSAGE', 'replayed frame');
    window.accept(trailerInfo.counter);
    if (ratchetedKey !== undefined && !this.#keys.has(ratchetedKey.keyId))
      this.#hold(ratchetedKey, Promise.resolve(key));
    this.#used(trailerInfo.keyId);
    const out = new Uint8Array(clear.length + payload.length);
    out.set(clear, 0);
    out.set(payload, clear.length);
    return out;
  }

  #used(keyId: number): void {
    if (keyId < this.#newestUsed) return;
    if (keyId > this.#newestUsed) {
      this.#newestUsed = keyId;
      this.#framesUnderNewest = 0;
    }
    this.#framesUnderNewest += 1;
    if (this.#framesUnderNewest < this.#retireAfter || this.#floor === keyId) return;
    this.#floor = keyId;
    for (const id of [...this.#keys.keys()])
      if (id < keyId) {
        this.#keys.delete(id);
        this.#secrets.delete(id);
      }
    for (const id of [...this.#windows.keys()])
      if (Number(id.split(':')[0]) < keyId) this.#windows.delete(id);
  }
}
