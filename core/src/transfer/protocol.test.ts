import { describe, expect, it } from 'vitest';
import {
  CHUNK_TAG,
  CONTROL_TAG,
  DEFAULT_CHUNK_BYTES,
  MAX_CHUNK_HEADER_BYTES,
  chunkCount,
  chunkRange,
  decodeTransferMessage,
  encodeTransferMessage,
} from './protocol.js';
import { MAX_FRAME_PAYLOAD_BYTES } from '../link/framing.js';

const control = (value: unknown) => {
  const json = new TextEncoder().encode(JSON.stringify(value));
  return Uint8Array.of(CONTROL_TAG, ...json);
};

describe('transfer protocol', () => {
  it('round-trips control messages and chunks', () => {
    const hello = { t: 'hello', id: 'file-1', size: 3 * 2 ** 30, chunkSize: 16_000 } as const;
    expect(decodeTransferMessage(encodeTransferMessage(hello))).toEqual(hello);
    const chunk = { t: 'chunk', id: 'file-1', index: 7, bytes: new Uint8Array([1, 2, 3]) } as const;
    expect(decodeTransferMessage(encodeTransferMessage(chunk))).toEqual(chunk);
  });

  it('carries chunk indices beyond 2^32, for files far past 2 GB', () => {
    for (const index of [2 ** 40 + 5, 2 ** 31, 2 ** 32 - 1, 2 ** 32, 0xfedcba98 * 2 ** 20 + 0x89abcdef]) {
      const decoded = decodeTransferMessage(
        encodeTransferMessage({ t: 'chunk', id: 'x', index, bytes: new Uint8Array(1) }),
      );
      expect(decoded).toMatchObject({ index });
    }
  });

  it('fits a default chunk in one link frame', () => {
    const id = 'i'.repeat(64);
    const payload = encodeTransferMessage({
      t: 'chunk',
      id,
      index: 1,
      bytes: new Uint8Array(DEFAULT_CHUNK_BYTES),
    });
    expect(payload.byteLength).toBe(MAX_FRAME_PAYLOAD_BYTES);
    expect(MAX_CHUNK_HEADER_BYTES + DEFAULT_CHUNK_BYTES).toBe(MAX_FRAME_PAYLOAD_BYTES);
  });

  it('computes chunk ranges of a 5 GB file exactly', () => {
    const size = 5 * 2 ** 30 + 123;
    const chunkSize = DEFAULT_CHUNK_BYTES;
    const last = chunkCount(size, chunkSize) - 1;
    const range = chunkRange(last, size, chunkSize);
    expect(range.offset + range.length).toBe(size);
    expect(range.length).toBeGreaterThan(0);
    expect(chunkRange(last + 1, size, chunkSize).length).toBe(0);
  });

  it('rejects malformed messages with a clear error', () => {
    const bad = (payload: Uint8Array, pattern: RegExp) =>
      expect(() => decodeTransferMessage(payload)).toThrow(
        expect.objectContaining({ code: 'BAD_REQUEST', message: expect.stringMatching(pattern) }),
      );
    bad(new Uint8Array(0), /empty/);
    bad(Uint8Array.of(9), /unknown tag 9/);
    bad(Uint8Array.of(CONTROL_TAG, 0xff, 0xfe), /not UTF-8 JSON/);
    bad(control({ t: 'ack', id: 'x', next: -1 }), /next/);
    bad(control({ t: 'hello', id: 'x', size: 2 ** 53, chunkSize: 10 }), /size/);
    bad(control({ t: 'hello', id: 'bad id!', size: 1, chunkSize: 10 }), /id/);
    bad(control({ t: 'ack', id: 'x', next: 1, extra: true }), /extra/);
    bad(control({ t: 'cancel', id: 'x', reason: 'r'.repeat(2000) }), /control message of/);
    bad(Uint8Array.of(CHUNK_TAG, 0), /id length/);
    bad(Uint8Array.of(CHUNK_TAG, 3, 65, 65), /shorter than its header/);
    bad(Uint8Array.of(CHUNK_TAG, 1, 0x21, 0, 0, 0, 0, 0, 0, 0, 0), /chunk id/);
    bad(Uint8Array.of(CHUNK_TAG, 1, 65, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0), /2\^53/);
  });
});
