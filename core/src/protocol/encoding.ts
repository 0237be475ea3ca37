import { base64urlnopad } from '@scure/base';

/**
 * Keys and signatures travel as unpadded base64url strings: JSON-safe, URL-safe, one canonical form.
 * Bulk bytes (blobs, files) travel as binary.
 */
export function toBase64Url(bytes: Uint8Array): string {
  return base64urlnopad.encode(bytes);
}

/** Throws on anything that is not canonical unpadded base64url. */
export function fromBase64Url(text: string): Uint8Array {
  return base64urlnopad.decode(text);
}

/** Socket.IO hands binary to Node as Buffer and to browsers as ArrayBuffer; everything past the boundary sees Uint8Array. */
export function toUint8Array(value: Uint8Array | ArrayBuffer): Uint8Array {
  return value instanceof Uint8Array ? value : new Uint8Array(value);
}

const encoder = new TextEncoder();
export function utf8(text: string): Uint8Array {
  return encoder.encode(text);
}

export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  let length = 0;
  for (const part of parts) length += part.length;
  const out = new Uint8Array(length);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

export function uint32be(value: number): Uint8Array {
  const out = new Uint8Array(4);
  new DataView(out.buffer).setUint32(0, value >>> 0, false);
  return out;
}
