/** The two libsodium calls native.node.ts uses (sodium-native ships no types). */
declare module 'sodium-native' {
  /** XSalsa20-Poly1305: writes tag ‖ ciphertext (message.length + 16 bytes) into `out`. */
  export function crypto_secretbox_easy(
    out: Uint8Array,
    message: Uint8Array,
    nonce: Uint8Array,
    key: Uint8Array,
  ): void;
  /** Writes the plaintext into `out` and returns true, or returns false if the box does not authenticate. */
  export function crypto_secretbox_open_easy(
    out: Uint8Array,
    box: Uint8Array,
    nonce: Uint8Array,
    key: Uint8Array,
  ): boolean;
}
