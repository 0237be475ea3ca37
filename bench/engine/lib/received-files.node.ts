import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FileSinkFactory } from '@parley/core';
import { directorySinkFactory } from '@parley/core/files/node';
import type { ReceiverSink } from './file-transfer-options.js';

/** What the receiving device holds after a round, read back so the bench can compare it with what was sent. */
export interface ReceivedFile {
  readonly size: number;
  readonly sha256: string;
}

/**
 * Where the bench's receiving device keeps the files it receives. `disk`: a temporary directory, through the
 * engine's directory sink, as the apps keep them (the desktop and web apps write each received file to the
 * origin-private file system from a worker; a Node host gives the client a directory). `memory`: the engine's
 * default in-memory sink, the apps' fallback where there is no file storage.
 */
export class ReceivedFiles {
  /** The client's `fileSink`: undefined for the engine's default (memory). */
  readonly sink: FileSinkFactory | undefined;
  readonly #directory: string | undefined;

  constructor(kind: ReceiverSink) {
    this.#directory = kind === 'disk' ? mkdtempSync(join(tmpdir(), 'parley-bench-files-')) : undefined;
    this.sink = this.#directory === undefined ? undefined : directorySinkFactory(this.#directory);
  }

  /**
   * The file the last `file` event announced: its bytes for the in-memory sink, else the one file in the
   * directory, which is then deleted so that a long run does not fill the disk. Called after the round's
   * figures were taken: reading and hashing are not part of what is measured.
   */
  take(bytes: Uint8Array | undefined): ReceivedFile {
    if (this.#directory === undefined) {
      if (bytes === undefined) throw new Error('the in-memory sink handed over no bytes');
      return { size: bytes.byteLength, sha256: sha256(bytes) };
    }
    const names = readdirSync(this.#directory);
    if (names.length !== 1) throw new Error(`expected one received file on disk, found ${names.length}`);
    const path = join(this.#directory, names[0] ?? '');
    const kept = readFileSync(path);
    rmSync(path);
    return { size: kept.byteLength, sha256: sha256(kept) };
  }

  close(): void {
    if (this.#directory !== undefined) rmSync(this.#directory, { recursive: true, force: true });
  }
}

export function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}
