/**
 * The primitives whose speed matters, behind one interface. Every backend must produce byte-identical
 * output to tweetnacl (backend.test.ts checks it), so a backend is a speed choice, never a format choice.
 * Synchronous on purpose: the ratchet's hot path cannot afford a promise per hash.
 */
export interface CryptoBackend {
  readonly name: string;
  sha512(data: Uint8Array): Uint8Array;
  /**
   * Plain RFC 8032 verification. Callers go through `verifySignature` (identity/strict-verify.ts), which
   * rejects non-canonical encodings first, so a lenient backend cannot weaken the rules.
   */
  ed25519Verify(message: Uint8Array, signature: Uint8Array, publicKey: Uint8Array): boolean;
  /** X25519 (RFC 7748) as nacl.scalarMult, clamping included. */
  x25519(secretKey: Uint8Array, publicKey: Uint8Array): Uint8Array;
  /** The X25519 public key of a secret key, as nacl.scalarMult.base. */
  x25519Base(secretKey: Uint8Array): Uint8Array;
  /** XSalsa20-Poly1305 as nacl.secretbox: 16-byte tag ‖ ciphertext. */
  secretbox(message: Uint8Array, nonce: Uint8Array, key: Uint8Array): Uint8Array;
  /**
   * secretbox into `out` (exactly `message.length + 16` bytes: tag ‖ ciphertext), for callers that encrypt
   * many chunks into the same memory (a file being sent): no fresh box per chunk. `out` must not overlap
   * `message`.
   */
  secretboxInto(out: Uint8Array, message: Uint8Array, nonce: Uint8Array, key: Uint8Array): void;
  secretboxOpen(box: Uint8Array, nonce: Uint8Array, key: Uint8Array): Uint8Array | null;
  /**
   * secretboxOpen into `out` (exactly `box.length - 16` bytes), for callers that already own the memory the
   * plaintext goes to (a received file's buffer): false, with `out` untouched, if the box does not open.
   */
  secretboxOpenInto(out: Uint8Array, box: Uint8Array, nonce: Uint8Array, key: Uint8Array): boolean;
}
