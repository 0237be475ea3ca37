import fc from 'fast-check';
import nacl from 'tweetnacl';
import { describe, expect, it } from 'vitest';
import { concatBytes } from '../../protocol/encoding.js';
import {
  ATTACHMENT_HEADER_LENGTH,
  AttachmentDecryptor,
  AttachmentEncryptor,
  decryptAttachmentChunk,
  decryptAttachmentStream,
  deserializeAttachmentDescriptor,
  encryptAttachmentStream,
  serializeAttachmentDescriptor,
  type AttachmentDescriptor,
} from './index.js';

const CHUNK = 1024;

function encrypt(plaintext: Uint8Array, pieceSizes: number[] = [777]) {
  const encryptor = new AttachmentEncryptor({ chunkSize: CHUNK });
  const boxes: Uint8Array[] = [];
  let offset = 0;
  let turn = 0;
  while (offset < plaintext.length) {
    const size = pieceSizes[turn++ % pieceSizes.length] ?? 1;
    boxes.push(...encryptor.push(plaintext.subarray(offset, offset + size)));
    offset += size;
  }
  const { chunk, descriptor } = encryptor.finish();
  boxes.push(chunk);
  return { header: encryptor.header, boxes, descriptor, blob: concatBytes(encryptor.header, ...boxes) };
}

function decrypt(blob: Uint8Array, descriptor: AttachmentDescriptor, pieceSize = 500): Uint8Array {
  const decryptor = new AttachmentDecryptor(descriptor);
  const out: Uint8Array[] = [];
  for (let offset = 0; offset < blob.length; offset += pieceSize) {
    out.push(...decryptor.push(blob.subarray(offset, offset + pieceSize)));
  }
  out.push(decryptor.finish());
  return concatBytes(...out);
}

const code = (c: string) => expect.objectContaining({ code: c });

describe('attachments', () => {
  it('round-trips files of every length around chunk boundaries, fed in pieces of any size', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 3 * CHUNK, 3 * CHUNK + 5),
        fc.array(fc.integer({ min: 1, max: 3000 }), { minLength: 1, maxLength: 4 }),
        fc.integer({ min: 1, max: 5000 }),
        (size, pieces, readSize) => {
          const plaintext = nacl.randomBytes(size);
          const { blob, descriptor } = encrypt(plaintext, pieces);
          expect(descriptor.size).toBe(size);
          expect(decrypt(blob, descriptor, readSize)).toEqual(plaintext);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('decrypts and verifies each chunk on its own, in any order', () => {
    const plaintext = nacl.randomBytes(4 * CHUNK + 10);
    const { header, boxes, descriptor } = encrypt(plaintext);
    const order = [4, 0, 3, 1, 2];
    for (const index of order) {
      const chunk = decryptAttachmentChunk(descriptor, header, index, boxes[index] ?? new Uint8Array());
      expect(chunk).toEqual(plaintext.subarray(index * CHUNK, (index + 1) * CHUNK));
    }
    expect(() => decryptAttachmentChunk(descriptor, header, 1, boxes[2] ?? new Uint8Array())).toThrow(
      code('DECRYPT_FAILED'),
    );
  });

  it('detects a file cut at a chunk boundary or in the middle of a chunk', () => {
    const { header, boxes, descriptor } = encrypt(nacl.randomBytes(3 * CHUNK + 100));
    const withoutLast = concatBytes(header, ...boxes.slice(0, -1));
    expect(() => decrypt(withoutLast, descriptor)).toThrow(code('TRUNCATED'));
    const cut = concatBytes(header, ...boxes).subarray(0, ATTACHMENT_HEADER_LENGTH + CHUNK + 500);
    expect(() => decrypt(cut, descriptor)).toThrow();
    expect(() => decrypt(header, descriptor)).toThrow(code('TRUNCATED'));
  });

  it('detects an exact-multiple file whose empty final chunk was dropped', () => {
    const { header, boxes, descriptor } = encrypt(nacl.randomBytes(2 * CHUNK));
    expect(boxes).toHaveLength(3);
    expect(() => decrypt(concatBytes(header, ...boxes.slice(0, 2)), descriptor)).toThrow(code('TRUNCATED'));
  });

  it('detects reordered chunks', () => {
    const { header, boxes, descriptor } = encrypt(nacl.randomBytes(3 * CHUNK + 1));
    const [a, b, ...rest] = boxes;
    expect(() =>
      decrypt(concatBytes(header, b ?? new Uint8Array(), a ?? new Uint8Array(), ...rest), descriptor),
    ).toThrow(code('DECRYPT_FAILED'));
  });

  it('rejects a bit flip in the header or any chunk', () => {
    const { blob, descriptor } = encrypt(nacl.randomBytes(2 * CHUNK + 3));
    for (let byte = 0; byte < blob.length; byte += 37) {
      const tampered = blob.slice();
      tampered[byte] = (tampered[byte] ?? 0) ^ (1 << (byte % 8));
      expect(() => decrypt(tampered, descriptor)).toThrow();
    }
    const wrongDigest = { ...descriptor, digest: descriptor.digest.map((x, i) => (i === 0 ? x ^ 1 : x)) };
    expect(() => decrypt(blob, wrongDigest)).toThrow(code('DECRYPT_FAILED'));
    expect(() => decrypt(blob, { ...descriptor, size: descriptor.size - 1 })).toThrow();
  });

  it('round-trips the descriptor that travels in the ratchet message', () => {
    const { descriptor } = encrypt(nacl.randomBytes(10));
    const restored = deserializeAttachmentDescriptor(
      JSON.parse(JSON.stringify(serializeAttachmentDescriptor(descriptor))),
    );
    expect(restored).toEqual(descriptor);
  });

  it('streams a file through async iterables without holding it whole', async () => {
    async function* source() {
      for (let i = 0; i < 20; i++) yield new Uint8Array(700).fill(i);
    }
    const { chunks, descriptor } = encryptAttachmentStream(source(), { chunkSize: CHUNK });
    // The sender uploads while encrypting; the recipient learns the descriptor from the message afterwards.
    const uploaded: Uint8Array[] = [];
    for await (const chunk of chunks) {
      expect(chunk.length).toBeLessThanOrEqual(CHUNK + 16);
      uploaded.push(chunk);
    }
    const received: Uint8Array[] = [];
    for await (const piece of decryptAttachmentStream(uploaded, await descriptor)) received.push(piece);
    const all = concatBytes(...received);
    expect(all.length).toBe(14_000);
    expect(all[13_999]).toBe(19);
  });
});
