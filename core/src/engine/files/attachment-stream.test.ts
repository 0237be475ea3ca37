import nacl from 'tweetnacl';
import { describe, expect, it } from 'vitest';
import {
  ATTACHMENT_HEADER_LENGTH,
  AttachmentDecryptor,
  AttachmentEncryptor,
  sealAttachmentDigest,
  type AttachmentDescriptor,
} from '../../crypto/index.js';
import { concatBytes } from '../../protocol/encoding.js';
import {
  DecryptingWriter,
  EncryptingReader,
  ciphertextSize,
  prepareFile,
  sealFile,
  type PreparedFile,
} from './attachment-stream.js';
import { nodeNativeBackend } from '../../crypto/backend/native.node.js';
import { tweetnaclBackend } from '../../crypto/backend/tweetnacl.js';
import { MemoryFileSink, bytesSource, type FileSink } from './file-io.js';
import { sha256 } from '@noble/hashes/sha2.js';

const crypto = { randomBytes: (length: number) => nacl.randomBytes(length) };
const CHUNK = 64 * 1024;

function decryptWhole(ciphertext: Uint8Array, descriptor: AttachmentDescriptor): Uint8Array {
  const decryptor = new AttachmentDecryptor(descriptor);
  const out = decryptor.push(ciphertext);
  return concatBytes(...out, decryptor.finish());
}

/** A one-pass encryptor with a prepared file's key and nonces: the ciphertext and digest it must come to. */
function sameKeyEncryptor(prepared: PreparedFile): AttachmentEncryptor {
  return new AttachmentEncryptor({
    chunkSize: CHUNK,
    key: prepared.keys.key,
    noncePrefix: prepared.header.subarray(5),
  });
}

describe('attachment streams', () => {
  it('produces the same ciphertext on every read, in any order, as the sealing pass hashed', async () => {
    for (const size of [0, 1, CHUNK - 1, CHUNK, 3 * CHUNK + 17]) {
      const plaintext = nacl.randomBytes(size);
      const source = bytesSource(plaintext, 'f', 'application/octet-stream');
      const sealed = await sealFile(source, crypto, { sha256: true });
      const reader = new EncryptingReader(source, sealed, crypto);
      expect(reader.size).toBe(ciphertextSize(size, CHUNK));
      const pieces: Uint8Array[] = [];
      for (let offset = 0; offset < reader.size; offset += 16_000)
        pieces.push(await reader.read(offset, Math.min(16_000, reader.size - offset)));
      const whole = concatBytes(...pieces);
      expect(decryptWhole(whole, sealed.descriptor)).toEqual(plaintext);
      const hex = [...sha256.create().update(whole).digest()].map((b) => b.toString(16).padStart(2, '0'));
      expect(sealed.sha256).toBe(hex.join(''));
      // A resumed transfer reads an earlier part again.
      const back = Math.max(0, reader.size - 100_000);
      expect(await reader.read(back, reader.size - back)).toEqual(whole.subarray(back));
    }
  });

  it('decrypts front to back into the sink, and refuses a tampered chunk', async () => {
    const plaintext = nacl.randomBytes(2 * CHUNK + 5);
    const source = bytesSource(plaintext, 'f', 'application/octet-stream');
    const sealed = await sealFile(source, crypto);
    const ciphertext = await new EncryptingReader(source, sealed, crypto).read(0, sealed.ciphertextSize);
    const sink = new MemoryFileSink(plaintext.length);
    const writer = new DecryptingWriter(sink, sealed.descriptor, crypto);
    for (let offset = 0; offset < ciphertext.length; offset += 7_000)
      await writer.write(offset, ciphertext.subarray(offset, offset + 7_000));
    await writer.finish();
    expect(sink.bytes).toEqual(plaintext);

    const tampered = ciphertext.slice();
    tampered[100] = (tampered[100] ?? 0) ^ 1;
    const victim = new DecryptingWriter(new MemoryFileSink(plaintext.length), sealed.descriptor, crypto);
    await expect(victim.write(0, tampered)).rejects.toMatchObject({ code: 'DECRYPT_FAILED' });
  });

  it('decrypts straight into an in-memory sink, copying nothing, and a tampered chunk never lands there', async () => {
    const plaintext = nacl.randomBytes(3 * CHUNK + 11);
    const source = bytesSource(plaintext, 'f', 'application/octet-stream');
    const sealed = await sealFile(source, crypto);
    const ciphertext = await new EncryptingReader(source, sealed, crypto).read(0, sealed.ciphertextSize);
    for (const backend of [tweetnaclBackend, nodeNativeBackend]) {
      const sink = new MemoryFileSink(plaintext.length);
      const copied: number[] = [];
      const watched: FileSink = {
        region: (offset, length) => sink.region(offset, length),
        write: async (offset, bytes) => {
          if (bytes.buffer !== sink.bytes.buffer) copied.push(offset);
          await sink.write(offset, bytes);
        },
        finish: () => sink.finish(),
        abort: () => sink.abort(),
      };
      const writer = new DecryptingWriter(watched, sealed.descriptor, { ...crypto, backend });
      for (let offset = 0; offset < ciphertext.length; offset += 16_000)
        await writer.write(offset, ciphertext.subarray(offset, offset + 16_000));
      await writer.finish();
      expect(sink.bytes).toEqual(plaintext);
      expect(copied).toEqual([]);

      // The second chunk is tampered with: the first is in place, the second's bytes never arrive.
      const tampered = ciphertext.slice();
      const at = ATTACHMENT_HEADER_LENGTH + CHUNK + 16 + 100;
      tampered[at] = (tampered[at] ?? 0) ^ 1;
      const victimSink = new MemoryFileSink(plaintext.length);
      const victim = new DecryptingWriter(victimSink, sealed.descriptor, { ...crypto, backend });
      await expect(victim.write(0, tampered)).rejects.toMatchObject({ code: 'DECRYPT_FAILED' });
      expect(victimSink.bytes.subarray(0, CHUNK)).toEqual(plaintext.subarray(0, CHUNK));
      expect(victimSink.bytes.subarray(CHUNK).every((byte) => byte === 0)).toBe(true);
    }
  });

  it('encrypts in one pass as it is read, and its trailing digest is the one a full pass computes', async () => {
    for (const size of [0, CHUNK, 3 * CHUNK + 17]) {
      const plaintext = nacl.randomBytes(size);
      const source = bytesSource(plaintext, 'f', 'application/octet-stream');
      const prepared = prepareFile(size, crypto);
      const reader = new EncryptingReader(source, prepared, crypto);
      const pieces: Uint8Array[] = [];
      for (let offset = 0; offset < reader.size; offset += 16_000)
        pieces.push((await reader.read(offset, Math.min(16_000, reader.size - offset))).slice());
      const digest = await reader.digest();
      const full = sameKeyEncryptor(prepared);
      full.push(plaintext);
      expect(digest).toEqual(full.finish().descriptor.digest);

      const sink = new MemoryFileSink(size);
      const writer = new DecryptingWriter(sink, prepared.keys, crypto);
      await writer.write(0, concatBytes(...pieces));
      await writer.finish(sealAttachmentDigest(prepared.keys, prepared.header, digest));
      expect(sink.bytes).toEqual(plaintext);
    }
  });

  it('hands over a chunk whose ciphertext is at hand without a promise, and one read out of order the same bytes', async () => {
    const size = 4 * CHUNK + 5;
    const plaintext = nacl.randomBytes(size);
    const source = bytesSource(plaintext, 'f', 'application/octet-stream');
    const prepared = prepareFile(size, crypto);
    const full = sameKeyEncryptor(prepared);
    const expected = concatBytes(full.header, ...full.push(plaintext), full.finish().chunk);

    const reader = new EncryptingReader(source, prepared, crypto);
    // A resumed sender starts past the first chunks: those are encrypted first (their tags go into the digest).
    const late = ATTACHMENT_HEADER_LENGTH + 2 * (CHUNK + 16) + 100;
    expect(await reader.read(late, 20_000)).toEqual(expected.subarray(late, late + 20_000));
    // The rest of that chunk is cached: returned as it is, no promise.
    const cached = reader.read(late + 20_000, 1_000);
    expect(cached).toBeInstanceOf(Uint8Array);
    expect(cached).toEqual(expected.subarray(late + 20_000, late + 21_000));
    // The next chunk's plaintext was read ahead: once it is in, a read across the boundary needs no wait either.
    await new Promise((resolve) => setTimeout(resolve, 0));
    const across = ATTACHMENT_HEADER_LENGTH + 3 * (CHUNK + 16) - 500;
    const crossing = reader.read(across, 1_000);
    expect(crossing).toBeInstanceOf(Uint8Array);
    expect(crossing).toEqual(expected.subarray(across, across + 1_000));
    // Reads going back (a transfer resuming from an earlier ack) and the digest see the same ciphertext.
    expect(await reader.read(0, reader.size)).toEqual(expected);
    const digest = await reader.digest();
    const again = sameKeyEncryptor(prepared);
    again.push(plaintext);
    expect(digest).toEqual(again.finish().descriptor.digest);
  });

  it('refuses a file whose trailing digest is missing, sealed under another key or wrong', async () => {
    const plaintext = nacl.randomBytes(2 * CHUNK + 9);
    const prepared = prepareFile(plaintext.length, crypto);
    const reader = new EncryptingReader(bytesSource(plaintext, 'f', 'x'), prepared, crypto);
    const ciphertext = (await reader.read(0, reader.size)).slice();
    const digest = await reader.digest();
    const other = prepareFile(plaintext.length, crypto);
    const wrong = digest.map((byte, i) => (i === 0 ? byte ^ 1 : byte));
    const trailers = [
      { sealed: undefined, code: 'TRUNCATED' },
      { sealed: sealAttachmentDigest(other.keys, prepared.header, digest), code: 'DECRYPT_FAILED' },
      { sealed: sealAttachmentDigest(prepared.keys, other.header, digest), code: 'DECRYPT_FAILED' },
      { sealed: sealAttachmentDigest(prepared.keys, prepared.header, wrong), code: 'DECRYPT_FAILED' },
    ];
    for (const { sealed, code } of trailers) {
      const writer = new DecryptingWriter(new MemoryFileSink(plaintext.length), prepared.keys, crypto);
      await writer.write(0, ciphertext);
      await expect(writer.finish(sealed)).rejects.toMatchObject({ code });
    }
  });

  it('resumes writing from a checkpoint into the same sink, the transfer restarting at any earlier offset', async () => {
    const size = 3 * CHUNK + 17;
    const plaintext = nacl.randomBytes(size);
    const prepared = prepareFile(size, crypto);
    const reader = new EncryptingReader(bytesSource(plaintext, 'f', 'x'), prepared, crypto);
    const ciphertext = await reader.read(0, reader.size);
    const trailer = sealAttachmentDigest(prepared.keys, prepared.header, await reader.digest(), crypto);
    // Cut after 1.5 chunks of ciphertext; the sender resumes at a 16,000-byte transfer chunk boundary.
    for (const cut of [40, CHUNK + 100, 2 * CHUNK + 5_000]) {
      const sink = new MemoryFileSink(size);
      const first = new DecryptingWriter(sink, prepared.keys, crypto);
      await first.write(0, ciphertext.subarray(0, cut));
      const checkpoint = first.checkpoint();
      expect(checkpoint).toBeDefined();
      const resumed = new DecryptingWriter(sink, prepared.keys, crypto, checkpoint);
      const restart = Math.floor(cut / 16_000) * 16_000;
      for (let offset = restart; offset < ciphertext.length; offset += 16_000)
        await resumed.write(offset, ciphertext.subarray(offset, offset + 16_000));
      await resumed.finish(trailer);
      expect(sink.bytes).toEqual(plaintext);
    }
  });

  it('refuses a resumed file whose earlier chunks were not what the checkpoint says', async () => {
    const size = 2 * CHUNK + 1;
    const prepared = prepareFile(size, crypto);
    const reader = new EncryptingReader(bytesSource(nacl.randomBytes(size), 'f', 'x'), prepared, crypto);
    const ciphertext = await reader.read(0, reader.size);
    const trailer = sealAttachmentDigest(prepared.keys, prepared.header, await reader.digest(), crypto);
    const first = new DecryptingWriter(new MemoryFileSink(size), prepared.keys, crypto);
    await first.write(0, ciphertext.subarray(0, CHUNK + 100));
    const checkpoint = first.checkpoint();
    if (checkpoint === undefined) throw new Error('no checkpoint');
    const forged = { ...checkpoint, tags: checkpoint.tags.map((byte) => byte ^ 1) };
    const resumed = new DecryptingWriter(new MemoryFileSink(size), prepared.keys, crypto, forged);
    await resumed.write(0, ciphertext);
    await expect(resumed.finish(trailer)).rejects.toThrow(/digest/);
  });
});
