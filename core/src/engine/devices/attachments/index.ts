/**
 * A moved history's files on the new device: their bytes fetched on demand from the device that linked it,
 * over a device-link channel (`client.linking.movedFile` / `fetchFile`). Owns the 'file-elsewhere:' engine
 * state keys; serves the other side from the client's `storedFile`.
 */
export type { MovedFile } from './moved-files.js';
export { FILE_CHUNK_BYTES } from './serve.js';
