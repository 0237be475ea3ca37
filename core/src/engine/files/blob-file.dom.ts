import type { FileSource } from './file-io.js';

/** The part of a DOM `Blob` (or `File`) read here; core is compiled without the DOM library. */
export interface BlobLike {
  readonly size: number;
  readonly type: string;
  readonly name?: string;
  slice(start: number, end: number): { arrayBuffer(): Promise<ArrayBuffer> };
}

/** A browser `File` or `Blob` as a FileSource: each read slices the blob, so it never loads whole. */
export function blobSource(blob: BlobLike, name = blob.name ?? 'file'): FileSource {
  return {
    size: blob.size,
    name,
    mimeType: blob.type === '' ? 'application/octet-stream' : blob.type,
    read: async (offset, length) => new Uint8Array(await blob.slice(offset, offset + length).arrayBuffer()),
  };
}
