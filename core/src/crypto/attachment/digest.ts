import type { CryptoBackend } from '../backend/backend.js';
import { KDF_LABELS } from '../kdf/labels.js';
import { TAG_LENGTH } from './format.js';

/**
 * Collects each chunk's Poly1305 tag. Hashing 16 bytes per chunk instead of the whole ciphertext keeps the
 * digest nearly free with tweetnacl's pure-JavaScript SHA-512 (see docs/crypto.md for what it commits to).
 */
export class TagDigest {
  private tags = new Uint8Array(64 * TAG_LENGTH);
  private length = 0;

  constructor(readonly header: Uint8Array) {}

  /** A digest that already holds `tags` (from `tagBytes`), to continue after a restart. */
  static resume(header: Uint8Array, tags: Uint8Array): TagDigest {
    if (tags.length % TAG_LENGTH !== 0) throw new RangeError('tags are 16 bytes each');
    const digest = new TagDigest(header);
    digest.tags = new Uint8Array(Math.max(64 * TAG_LENGTH, tags.length * 2));
    digest.tags.set(tags);
    digest.length = tags.length;
    return digest;
  }

  /** The tags so far, a copy. */
  get tagBytes(): Uint8Array {
    return this.tags.slice(0, this.length);
  }

  /** Tags added so far: one per chunk. */
  get chunks(): number {
    return this.length / TAG_LENGTH;
  }

  add(box: Uint8Array): void {
    if (this.length + TAG_LENGTH > this.tags.length) {
      const grown = new Uint8Array(this.tags.length * 2);
      grown.set(this.tags.subarray(0, this.length));
      this.tags = grown;
    }
    this.tags.set(box.subarray(0, TAG_LENGTH), this.length);
    this.length += TAG_LENGTH;
  }

  finish(backend: CryptoBackend): Uint8Array {
    const label = KDF_LABELS.attachmentDigest;
    const input = new Uint8Array(label.length + this.header.length + this.length);
    input.set(label);
    input.set(this.header, label.length);
    input.set(this.tags.subarray(0, this.length), label.length + this.header.length);
    return backend.sha512(input).slice(0, 32);
  }
}
