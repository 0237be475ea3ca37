import { ParleyError, isParleyError } from '../../errors/index.js';
import type { FetchLike } from '../platform.js';
import type { RelayConnection } from './relay-connection.js';

/** PATCH size: a few MiB per request, read from the file (and encrypted) as it goes. */
const UPLOAD_PIECE = 4 * 1024 * 1024;
/** How an interrupted upload or download is retried. */
export interface TransferRetryPolicy {
  /** Attempts in a row without a byte of progress before giving up. Default 6. */
  readonly attempts: number;
  /** The first pause; each failure in a row doubles it, up to `maxDelayMs`. Default 250 ms. */
  readonly baseDelayMs: number;
  /** Default 8 s. */
  readonly maxDelayMs: number;
}

export const DEFAULT_TRANSFER_RETRY: TransferRetryPolicy = {
  attempts: 6,
  baseDelayMs: 250,
  maxDelayMs: 8_000,
};

export interface RelayAttachmentOptions {
  readonly baseUrl: string;
  readonly token: () => string;
  readonly fetch: FetchLike;
  readonly retry?: TransferRetryPolicy;
  /** Waits between attempts; by default a timer. */
  readonly sleep?: (ms: number) => Promise<void>;
}

/** A relay answer worth trying again: the connection broke (fetch threw) or the relay is unavailable. */
function retryable(error: unknown): boolean {
  return !isParleyError(error) || error.code === 'UNAVAILABLE';
}

/** The ciphertext to upload, read a piece at a time. */
export interface CiphertextSource {
  readonly size: number;
  read(offset: number, length: number): Promise<Uint8Array> | Uint8Array;
}

/**
 * The relay's attachment HTTP API (docs/protocol.md, "Attachments"), for files to peers who are not
 * reachable directly: create, upload in resumable PATCHes, download with Range, acknowledge.
 */
export class RelayAttachments {
  readonly #retry: TransferRetryPolicy;
  readonly #sleep: (ms: number) => Promise<void>;

  constructor(private readonly options: RelayAttachmentOptions) {
    this.#retry = options.retry ?? DEFAULT_TRANSFER_RETRY;
    this.#sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  /** The pause before the next attempt after `failures` failures in a row: exponential, with jitter. */
  #backoff(failures: number): Promise<void> {
    const { baseDelayMs, maxDelayMs } = this.#retry;
    const delay = Math.min(maxDelayMs, baseDelayMs * 2 ** Math.max(0, failures - 1));
    return this.#sleep(delay / 2 + (Math.random() * delay) / 2);
  }

  /**
   * Uploads ciphertext whose SHA-256 (hex) is `hash` for `recipients` (relay identities), a PATCH of a few
   * MiB at a time from where the relay says it stands. A broken connection or an unavailable relay is
   * retried with backoff: the relay is asked (HEAD, Upload-Offset) how much it kept, and the upload goes on
   * from there; it gives up after `retry.attempts` failures in a row without progress.
   */
  async upload(
    source: CiphertextSource,
    hash: string,
    recipients: readonly string[],
    progress: (bytes: number, total: number) => void,
    /** Checked before every piece: the person cancelled. */
    cancelled: () => boolean = () => false,
  ): Promise<void> {
    let created = false;
    let offset = 0;
    let failures = 0;
    for (;;) {
      const before = offset;
      try {
        if (!created) {
          const response = await this.#call('POST', `/v1/attachments`, {
            json: { hash, size: source.size, recipients },
          });
          created = true;
          const status = (await response.json()) as { offset?: unknown; complete?: unknown };
          if (status.complete === true) return;
          offset = typeof status.offset === 'number' ? status.offset : 0;
        } else {
          // After a failure: where did the relay get to? (It keeps what arrived before the cut.)
          const response = await this.#call('HEAD', `/v1/attachments/${hash}/status`);
          offset = uploadOffset(response.headers.get('upload-offset'));
        }
        while (offset < source.size) {
          if (cancelled()) throw new ParleyError('CLOSED', 'upload cancelled');
          const piece = await source.read(offset, Math.min(UPLOAD_PIECE, source.size - offset));
          const response = await this.#call('PATCH', `/v1/attachments/${hash}`, {
            body: piece,
            headers: { 'upload-offset': String(offset), 'content-type': 'application/offset+octet-stream' },
            allow: [409],
          });
          // 409: our idea of the offset was stale (a retried upload); the relay says where to go on.
          const status = (await response.json()) as { offset?: unknown; complete?: unknown };
          if (typeof status.offset !== 'number')
            throw new ParleyError('INTERNAL', 'attachment upload lost its offset');
          offset = status.offset;
          progress(offset, source.size);
          if (status.complete === true) return;
        }
        return;
      } catch (error) {
        failures = offset > before ? 1 : failures + 1;
        if (!retryable(error) || failures >= this.#retry.attempts) {
          throw isParleyError(error)
            ? error
            : new ParleyError('UNAVAILABLE', 'attachment upload failed', { cause: error });
        }
        await this.#backoff(failures);
      }
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
    /** Checked before every chunk written: the person cancelled. */
    cancelled: () => boolean = () => false,
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
          if (cancelled()) throw new ParleyError('CLOSED', 'download cancelled');
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
        if (fatal || failures >= this.#retry.attempts) {
          throw isParleyError(error)
            ? error
            : new ParleyError('UNAVAILABLE', 'attachment download failed', { cause: error });
        }
        // Right away after progress (the connection was cut mid-body), with growing pauses otherwise.
        if (received === before) await this.#backoff(failures);
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

function uploadOffset(header: string | null): number {
  const offset = Number(header);
  if (header === null || !Number.isSafeInteger(offset) || offset < 0)
    throw new ParleyError('UNAVAILABLE', 'the relay did not say where the upload stands');
  return offset;
}

/** The attachment API of an authenticated relay; undefined without `fetch` or before its first auth. */
export function attachmentsOf(
  relay: RelayConnection,
  fetch: FetchLike | undefined,
): RelayAttachments | undefined {
  if (fetch === undefined || relay.auth === undefined) return undefined;
  return new RelayAttachments({
    baseUrl: relay.url.replace(/^ws/, 'http').replace(/\/$/, ''),
    token: () => {
      const token = relay.auth?.token;
      if (token === undefined) throw new ParleyError('UNAVAILABLE', 'not connected to the relay');
      return token;
    },
    fetch,
  });
}
