import type { CryptoBackend } from '../../../crypto/backend/backend.js';
import { ParleyError } from '../../../errors/index.js';

/** Which path a boxed message took: each has its own counter, so a nonce never repeats under one key. */
export type ChannelPath = 'relay' | 'direct';

const PATH_BYTE: Record<ChannelPath, number> = { relay: 1, direct: 2 };
export const BOXED_FRAME = 2;
const HEADER = 1 + 4;

/**
 * One direction's box of the link channel: XSalsa20-Poly1305 under that direction's key, the nonce the path
 * and a counter. The receiver takes each path's messages only in order (both paths deliver in order), so a
 * replayed, dropped or reordered message fails as DECRYPT_FAILED and the channel closes.
 */
export class ChannelCipher {
  readonly #next: Record<ChannelPath, number> = { relay: 0, direct: 0 };

  constructor(
    private readonly backend: CryptoBackend,
    private readonly key: Uint8Array,
  ) {}

  seal(path: ChannelPath, plaintext: Uint8Array): Uint8Array {
    const counter = this.#next[path]++;
    const box = this.backend.secretbox(plaintext, nonceOf(path, counter), this.key);
    const out = new Uint8Array(HEADER + box.length);
    out[0] = BOXED_FRAME;
    new DataView(out.buffer).setUint32(1, counter);
    out.set(box, HEADER);
    return out;
  }

  open(path: ChannelPath, frame: Uint8Array): Uint8Array {
    if (frame.length < HEADER + 16 || frame[0] !== BOXED_FRAME) {
      throw new ParleyError('DECRYPT_FAILED', 'device link: not a boxed frame');
    }
    const counter = new DataView(frame.buffer, frame.byteOffset, frame.byteLength).getUint32(1);
    if (counter !== this.#next[path]) {
      throw new ParleyError(
        'DECRYPT_FAILED',
        `device link: frame ${counter} out of order on the ${path} path`,
      );
    }
    const plain = this.backend.secretboxOpen(frame.subarray(HEADER), nonceOf(path, counter), this.key);
    if (plain === null) throw new ParleyError('DECRYPT_FAILED', 'device link: a frame did not open');
    this.#next[path]++;
    return plain;
  }
}

function nonceOf(path: ChannelPath, counter: number): Uint8Array {
  const nonce = new Uint8Array(24);
  nonce[0] = PATH_BYTE[path];
  new DataView(nonce.buffer).setUint32(20, counter);
  return nonce;
}
