import { ParleyError, isParleyError } from '../errors/index.js';
import type { FetchLike } from './platform.js';

/** PATCH size: a few MiB per request, read from the file (and encrypted) as it goes. */
const UPLOAD_PIECE = 4 * 1024 * 1024;
/** A download cut off this many times in a row (no byte arriving in between) gives up. */
const DOWNLOAD_ATTEMPTS = 5;

export interface RelayAttachmentOptions {
  readonly baseUrl: string;
  readonly token: () => string;
  readonly fetch: FetchLike;
}

/** The ciphertext to upload, read a piece at a time. */
export interface CiphertextSource {
  readonly size: number;
  read(offset: number, length: number): Promise<Uint8Array>;
}

/**
 * The relay's attachment HTTP API (docs/protocol.md, "Attachments"), for files to peers who are not
 * reachable directly: create, upload in resumable PATCHes, download with Range, acknowledge.
 */
export class RelayAttachments {
  constructor(private readonly options: RelayAttachmentOptions) {}

  /**
   * Uploads ciphertext whose SHA-256 (hex) is `hash` for `recipients` (relay identities), a PATCH of a few
   * MiB at a time from where the relay says it stands, so a retried upload continues.
   */
  async upload(
    source: CiphertextSource,
    hash: string,
    recipients: readonly string[],
    progress: (bytes: number, total: number) => void,
  ): Promise<void> {
    const created = await this.#call('POST', `/v1/attachments`, {
      json: { hash, size: source.size, recipients },
    });
    let status = (await created.json()) as { offset?: unknown; complete?: unknown };
    let offset = typeof status.offset === 'number' ? status.offset : 0;
    while (status.complete !== true && offset < source.size) {
      const piece = await source.read(offset, Math.min(UPLOAD_PIECE, source.size - offset));
      const response = await this.#call('PATCH', `/v1/attachments/${hash}`, {
        body: piece,
        headers: { 'upload-offset': String(offset), 'content-type': 'application/offset+octet-stream' },
        allow: [409],
      });
      // 409: our idea of the offset was stale (a retried upload); the relay says where to go on.
      status = (await response.json()) as typeof status;
      if (typeof status.offset !== 'number')
        throw new ParleyError('INTERNAL', 'attachment upload lost its offset');
      offset = status.offset;
      progress(offset, source.size);
    }
  }

  /**
   * Streams the attachment's `size` bytes to `write`, front to back. A response cut off midway is asked
   * for again with `Range: bytes=<received>-`, so an interrupted download continues where it stopped.
   */
  async download(
    hash: string,
    size: number,
    write: (offset: number, bytes: Uint8Array) => Promise<void>,
    progress: (bytes: number, total: number) => void,
  ): Promise<void> {
    let received = 0;
    let failures = 0;
    while (received < size) {
      const before = received;
      let writing = false;
      try {
        const response = await this.#call('GET', `/v1/attachments/${hash}`, {
          headers: received === 0 ? {} : { range: `bytes=${received}-` },
        });
        if (received > 0 && response.status !== 206)
          throw new ParleyError('UNAVAILABLE', 'the relay ignored the range of a resumed download');
        const take = async (bytes: Uint8Array) => {
          if (received + bytes.length > size)
            throw new ParleyError('DECRYPT_FAILED', 'attachment is longer than announced');
          writing = true;
          await write(received, bytes);
          writing = false;
          received += bytes.length;
          progress(received, size);
        };
        const reader = response.body?.getReader();
        if (reader === undefined) {
          await take(new Uint8Array(await response.arrayBuffer()));
        } else {
          for (;;) {
            const { done, value } = await reader.read();
            if (done) break;
            if (value !== undefined && value.length > 0) await take(value);
          }
        }
        if (received < size) throw new ParleyError('UNAVAILABLE', 'attachment download ended early');
      } catch (error) {
        // A failed write or a bad attachment is final; a dropped connection is retried from where it stopped.
        const fatal = writing || (isParleyError(error) && error.code !== 'UNAVAILABLE');
        failures = received > before ? 1 : failures + 1;
        if (fatal || failures >= DOWNLOAD_ATTEMPTS) {
          throw isParleyError(error)
            ? error
            : new ParleyError('UNAVAILABLE', 'attachment download failed', { cause: error });
        }
      }
    }
  }

  /** Tells the relay this recipient has the file, so it can delete it once everyone has. */
  async acknowledge(hash: string): Promise<void> {
    await this.#call('POST', `/v1/attachments/${hash}/ack`);
  }

  async #call(
    method: string,
    path: string,
    init: { json?: unknown; body?: Uint8Array; headers?: Record<string, string>; allow?: number[] } = {},
  ) {
    const headers: Record<string, string> = {
      authorization: `Bearer ${this.options.token()}`,
      ...init.headers,
    };
    let body: Uint8Array | string | undefined = init.body;
    if (init.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(init.json);
    }
    const response = await this.options.fetch(`${this.options.baseUrl}${path}`, {
      method,
      headers,
      ...(body === undefined ? {} : { body }),
    });
    if (!response.ok && !(init.allow ?? []).includes(response.status)) {
      const code =
        response.status === 413
          ? 'PAYLOAD_TOO_LARGE'
          : response.status === 403
            ? 'ACCESS_DENIED'
            : 'UNAVAILABLE';
      throw new ParleyError(code, `${method} ${path}: HTTP ${response.status}`);
    }
    return response;
  }
}
