import { createHash } from 'node:crypto';
import { createReadStream, mkdirSync } from 'node:fs';
import { open, readdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';

/**
 * The bytes of attachments on disk: `<dataDir>/attachments/<hash>.part` while uploading, `<hash>` once the
 * content has been checked against its name. The store holds the records; this module only moves bytes, and
 * never holds more than one chunk of a file in memory.
 */
export interface AttachmentFiles {
  readonly dir: string;
  partPath(hash: string): string;
  completePath(hash: string): string;
  /**
   * Writes `source` into the part file starting at `offset`, after cutting off anything beyond `offset` (bytes
   * a crashed or rejected request wrote but never recorded). Stops at `limit` total bytes. Every
   * `checkpointBytes` and when the source ends or fails, fsyncs and calls `onDurable(position)`, so the offset
   * recorded never runs ahead of what is on disk. Resolves with the final position, or rejects with the
   * source's error after making what was written durable.
   */
  append(
    hash: string,
    offset: number,
    source: AsyncIterable<Buffer>,
    options: { limit: number; checkpointBytes: number; onDurable: (position: number) => Promise<void> },
  ): Promise<{ position: number; overflow: boolean }>;
  /** SHA-256 (hex) of a file, streamed. */
  sha256(path: string): Promise<string>;
  /** Moves a verified part file to its final name and makes the rename durable. */
  promote(hash: string): Promise<void>;
  /** Where the bytes of an upload that reached its size are: the part file, or the final file if a crash hit after the rename. */
  finishedUploadPath(hash: string): Promise<string | null>;
  remove(hash: string): Promise<void>;
  /** Hashes that have any file on disk (part or complete), for housekeeping to reconcile with the store. */
  list(): Promise<string[]>;
  size(path: string): Promise<number | null>;
}

const HASH_FILE = /^([0-9a-f]{64})(\.part)?$/;

/** Creates `<dataDir>/attachments` if needed (synchronously: this runs once while the relay starts). */
export function createAttachmentFiles(dataDir: string): AttachmentFiles {
  const dir = join(dataDir, 'attachments');
  mkdirSync(dir, { recursive: true });
  const partPath = (hash: string) => join(dir, `${hash}.part`);
  const completePath = (hash: string) => join(dir, hash);

  const size = async (path: string) => {
    try {
      return (await stat(path)).size;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
  };

  return {
    dir,
    partPath,
    completePath,
    async append(hash, offset, source, { limit, checkpointBytes, onDurable }) {
      const file = await open(partPath(hash), 'a+').then(async (handle) => {
        // 'a+' only to create the file if missing; positional writes below need a non-append descriptor.
        await handle.close();
        return open(partPath(hash), 'r+');
      });
      let position = offset;
      let durable = offset;
      const checkpoint = async () => {
        if (position === durable) return;
        await file.sync();
        durable = position;
        await onDurable(position);
      };
      try {
        await file.truncate(offset);
        let overflow = false;
        // One chunk at a time: the request is paused while a chunk is being written. Not `for await`, whose
        // early exit destroys the request and with it the socket the 413 answer has to travel on.
        const chunks = source[Symbol.asyncIterator]();
        for (let next = await chunks.next(); next.done !== true; next = await chunks.next()) {
          const chunk = next.value;
          const room = limit - position;
          const take = Math.min(room, chunk.length);
          if (take > 0) {
            await file.write(chunk, 0, take, position);
            position += take;
          }
          if (take < chunk.length) {
            overflow = true;
            break;
          }
          if (position - durable >= checkpointBytes) await checkpoint();
        }
        await checkpoint();
        return { position, overflow };
      } catch (error) {
        // An interrupted body keeps what reached the disk, so the next request resumes from there.
        await checkpoint().catch(() => undefined);
        throw error;
      } finally {
        await file.close();
      }
    },
    async sha256(path) {
      const hash = createHash('sha256');
      await pipeline(createReadStream(path), hash);
      return hash.digest('hex');
    },
    async promote(hash) {
      await rename(partPath(hash), completePath(hash));
      const directory = await open(dir, 'r');
      try {
        await directory.sync();
      } finally {
        await directory.close();
      }
    },
    async finishedUploadPath(hash) {
      if ((await size(partPath(hash))) !== null) return partPath(hash);
      if ((await size(completePath(hash))) !== null) return completePath(hash);
      return null;
    },
    async remove(hash) {
      await rm(partPath(hash), { force: true });
      await rm(completePath(hash), { force: true });
    },
    async list() {
      const hashes = new Set<string>();
      for (const name of await readdir(dir)) {
        const match = HASH_FILE.exec(name);
        if (match?.[1]) hashes.add(match[1]);
      }
      return [...hashes];
    },
    size,
  };
}
