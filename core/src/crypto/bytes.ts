import { ParleyError, type ErrorCode } from '../errors/index.js';

/** Compares in time that depends only on the lengths, so a tag or key comparison leaks nothing else. */
export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= (a[i] ?? 0) ^ (b[i] ?? 0);
  return diff === 0;
}

/** Overwrites key material that is no longer needed (best effort: JavaScript may have copied it). */
export function wipe(bytes: Uint8Array): void {
  bytes.fill(0);
}

export function readUint32(bytes: Uint8Array, offset: number): number {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(offset, false);
}

export function writeUint32(target: Uint8Array, offset: number, value: number): void {
  new DataView(target.buffer, target.byteOffset, target.byteLength).setUint32(offset, value >>> 0, false);
}

/** Reads a binary format front to back; every short read throws one ParleyError with the caller's code. */
export class ByteReader {
  private offset = 0;

  constructor(
    private readonly bytes: Uint8Array,
    private readonly code: ErrorCode,
    private readonly what: string,
  ) {}

  take(length: number): Uint8Array {
    if (this.offset + length > this.bytes.length) {
      throw new ParleyError(this.code, `${this.what} is truncated`);
    }
    const out = this.bytes.subarray(this.offset, this.offset + length);
    this.offset += length;
    return out;
  }

  u8(): number {
    return this.take(1)[0] ?? 0;
  }

  u32(): number {
    return readUint32(this.take(4), 0);
  }

  rest(): Uint8Array {
    return this.take(this.bytes.length - this.offset);
  }

  get remaining(): number {
    return this.bytes.length - this.offset;
  }

  end(): void {
    if (this.remaining !== 0) throw new ParleyError(this.code, `${this.what} has trailing bytes`);
  }
}
