import { ParleyError } from '../../errors/index.js';

/**
 * A file to send, read a piece at a time: the platform gives the engine one of these instead of the whole
 * file (node-file.node.ts over a file handle, blob-file.dom.ts over a Blob). `read` returns exactly
 * `length` bytes at `offset`; reads may repeat (a resumed transfer reads its last chunks again).
 */
export interface FileSource {
  readonly size: number;
  readonly name: string;
  readonly mimeType: string;
  read(offset: number, length: number): Promise<Uint8Array>;
  /**
   * How to open this file again after the app restarts (node-file.node.ts: its path, size and modification
   * time), for the client's `reopenFileSource`. Absent for bytes in memory: a transfer of those cannot
   * survive a restart and fails with that reason.
   */
  readonly reopen?: FileSourceDescriptor;
  /** Called once the engine is done with a source it opened itself (through `reopenFileSource`). */
  close?(): Promise<void>;
}

/** Plain JSON naming a file for the platform that made it; `kind` says which platform adapter reads it. */
export type FileSourceDescriptor = { readonly kind: string } & Readonly<Record<string, string | number>>;

/** Opens a file again from its descriptor after a restart; throws (clearly) if it is gone or changed. */
export type FileSourceOpener = (descriptor: FileSourceDescriptor) => Promise<FileSource>;

/**
 * Opens the bytes this device keeps of a message's file, sent or received (the app's copy: OPFS in the
 * browser, the sink's folder in Node), or undefined when it has none; the engine `close`s what it opened.
 * Our other devices that moved the history fetch their photos and files from here (devices/attachments).
 */
export type StoredFileOpener = (file: {
  readonly messageId: string;
  readonly name: string;
  readonly mimeType: string;
  readonly size: number;
}) => Promise<FileSource | undefined>;

/** Where a received file's plaintext goes, written front to back; `abort` if it failed. */
export interface FileSink {
  write(offset: number, bytes: Uint8Array): Promise<void>;
  /**
   * For a sink that holds the file in memory: a view of its own bytes [offset, offset + length), which the
   * engine decrypts into (only authenticated plaintext lands there) before it calls `write` with that same
   * view, so the bytes are never copied. Undefined where the sink wants them handed over instead.
   */
  region?(offset: number, length: number): Uint8Array | undefined;
  /**
   * Makes every byte written so far durable, for a sink whose writes may not survive an app restart until
   * then (a browser's OPFS file). Before a checkpoint of a direct transfer is saved, the engine flushes, so
   * the checkpoint never counts bytes a restart would lose. Absent where a written byte is already kept.
   */
  flush?(): Promise<void>;
  /** Every byte was written and checked. */
  finish(): Promise<void>;
  abort(): Promise<void>;
}

export interface IncomingFile {
  readonly messageId: string;
  readonly name: string;
  readonly mimeType: string;
  /** Plaintext bytes. */
  readonly size: number;
  /**
   * The file was partly received before the app restarted: open the same sink again, keeping its bytes
   * (only asked of a factory that says `resumes`).
   */
  readonly resume?: boolean;
}

/**
 * Opens the sink for a file that is arriving (a temp file, the downloads folder, memory). A factory with
 * `resumes: true` can open a file again after a restart keeping what was written (IncomingFile.resume);
 * for any other, a transfer cut by a restart of the receiving app starts again from its first byte.
 */
export type FileSinkFactory = ((file: IncomingFile) => Promise<FileSink> | FileSink) & {
  readonly resumes?: boolean;
};

/** Wraps bytes already in memory (small payloads, tests). */
export function bytesSource(bytes: Uint8Array, name: string, mimeType: string): FileSource {
  return {
    size: bytes.length,
    name,
    mimeType,
    read: async (offset, length) => bytes.subarray(offset, offset + length),
  };
}

/**
 * Collects the file in memory: the default sink, meant for small files. `shared`: its bytes are a
 * SharedArrayBuffer, which an opener on a worker thread decrypts straight into (the engine's default when
 * the client's `attachmentOpener` says `sharedMemory`); `bytes` is then a view of shared memory. V8 does not
 * count shared memory as external memory pressure: a file's 16 MiB no longer sets off a scavenge and a
 * mark-compact (about 20 ms of CPU per 16 MiB received, measured), but a dropped file's memory also waits
 * longer for a collection (16 MiB files back to back: ~300 MB more resident at the peak, bounded).
 */
export class MemoryFileSink implements FileSink {
  readonly #buffer: Uint8Array;

  constructor(
    readonly size: number,
    options: { readonly shared?: boolean } = {},
  ) {
    this.#buffer =
      options.shared === true ? new Uint8Array(new SharedArrayBuffer(size)) : new Uint8Array(size);
  }

  get bytes(): Uint8Array {
    return this.#buffer;
  }

  region(offset: number, length: number): Uint8Array | undefined {
    if (offset < 0 || length < 0 || offset + length > this.size) return undefined;
    return this.#buffer.subarray(offset, offset + length);
  }

  async write(offset: number, bytes: Uint8Array): Promise<void> {
    if (offset + bytes.length > this.size) throw new ParleyError('BAD_REQUEST', 'write beyond the file');
    // Already in place when it was decrypted into region(offset, …).
    if (bytes.buffer === this.#buffer.buffer && bytes.byteOffset === offset) return;
    this.#buffer.set(bytes, offset);
  }

  async finish(): Promise<void> {}

  async abort(): Promise<void> {}
}

/** The largest file the default, in-memory sink accepts; give the client a `fileSink` for larger files. */
export const MAX_MEMORY_SINK_BYTES = 64 * 1024 * 1024;

function memorySink(size: number, shared: boolean): MemoryFileSink {
  if (size > MAX_MEMORY_SINK_BYTES)
    throw new ParleyError('PAYLOAD_TOO_LARGE', 'file too large to receive in memory: configure a fileSink');
  return new MemoryFileSink(size, { shared });
}

/** The default sink factory: files up to MAX_MEMORY_SINK_BYTES, collected in memory. */
export const memorySinkFactory: FileSinkFactory = ({ size }) => memorySink(size, false);

/** memorySinkFactory with shared memory, for an opener on a thread that shares it (`sharedMemory`). */
export const sharedMemorySinkFactory: FileSinkFactory = ({ size }) => memorySink(size, true);
