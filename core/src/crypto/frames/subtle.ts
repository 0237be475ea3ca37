import { ParleyError } from '../../errors/index.js';

/**
 * The part of WebCrypto frame encryption uses: HKDF-SHA-256 and AES-GCM. Node 20+, browsers and workers all
 * have it as `globalThis.crypto.subtle`; core has no DOM types, so it is declared here, narrowly.
 */
export interface FrameSubtle {
  importKey(
    format: 'raw',
    keyData: Uint8Array,
    algorithm: 'HKDF' | { name: 'AES-GCM' },
    extractable: false,
    keyUsages: readonly ('deriveBits' | 'encrypt' | 'decrypt')[],
  ): Promise<unknown>;
  deriveBits(
    algorithm: { name: 'HKDF'; hash: 'SHA-256'; salt: Uint8Array; info: Uint8Array },
    baseKey: unknown,
    length: number,
  ): Promise<ArrayBuffer>;
  encrypt(
    algorithm: { name: 'AES-GCM'; iv: Uint8Array; additionalData: Uint8Array },
    key: unknown,
    data: Uint8Array,
  ): Promise<ArrayBuffer>;
  decrypt(
    algorithm: { name: 'AES-GCM'; iv: Uint8Array; additionalData: Uint8Array },
    key: unknown,
    data: Uint8Array,
  ): Promise<ArrayBuffer>;
}

export function defaultSubtle(): FrameSubtle {
  const subtle = (globalThis as { crypto?: { subtle?: FrameSubtle } }).crypto?.subtle;
  if (subtle === undefined)
    throw new ParleyError('UNAVAILABLE', 'WebCrypto (crypto.subtle) is needed for encrypted call media');
  return subtle;
}
