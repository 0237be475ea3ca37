import type { TransferSink, TransferSource } from '../types.js';

export function patternBytes(length: number, seed = 7): Uint8Array {
  const out = new Uint8Array(length);
  let state = seed >>> 0 || 1;
  for (let i = 0; i < length; i++) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    out[i] = state & 0xff;
  }
  return out;
}

/** A source over bytes in memory that counts what was read, to prove a resume did not start over. */
export class MemorySource implements TransferSource {
  readonly bytes: Uint8Array;
  bytesRead = 0;
  afterRead: (() => void) | undefined;

  constructor(bytes: Uint8Array) {
    this.bytes = bytes;
  }

  async read(offset: number, length: number): Promise<Uint8Array> {
    this.bytesRead += length;
    this.afterRead?.();
    return this.bytes.slice(offset, offset + length);
  }
}

/** A sink into memory; `beforeWrite` lets a test act at an exact chunk (drop the link, cancel…). */
export class MemorySink implements TransferSink {
  readonly bytes: Uint8Array;
  writes = 0;
  beforeWrite: ((offset: number) => void | Promise<void>) | undefined;

  constructor(size: number) {
    this.bytes = new Uint8Array(size);
  }

  async write(offset: number, bytes: Uint8Array): Promise<void> {
    await this.beforeWrite?.(offset);
    this.bytes.set(bytes, offset);
    this.writes += 1;
  }
}
