import { createReadStream } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { pipeline } from 'node:stream/promises';
import {
  AttachmentHashSchema,
  CreateAttachmentSchema,
  ParleyError,
  parsePayload,
  type AttachmentStatus,
} from '@parley/core';
import type { RelayContext } from '../context.js';
import type { AttachmentRecord } from '../store/types.js';
import type { AttachmentFiles } from './attachment-files.node.js';
import { parseRange } from './range.node.js';
import { readJson, sendError, sendJson } from './respond.node.js';
import type { Route, RouteRequest } from './router.node.js';
import { checkStorageCeiling } from '../store/ceiling.node.js';

/** Fsync and record progress at least this often during one long PATCH, so a relay crash loses little. */
const CHECKPOINT_BYTES = 16 * 1024 * 1024;
/** A PATCH whose body stalls this long is dropped (what arrived is kept), so it cannot hold its hash's lock. */
const BODY_IDLE_MS = 60_000;

export interface AttachmentRoutesOptions {
  files: AttachmentFiles;
  /** Resolves the caller's identity from `Authorization: Bearer`, or throws AUTH_REQUIRED / AUTH_FAILED. */
  authenticate(req: IncomingMessage): Promise<string>;
  /** Registers an upload body so close() can interrupt it (what was written is kept and recorded). */
  trackUpload(req: IncomingMessage): () => void;
}

export function attachmentRoutes(ctx: RelayContext, options: AttachmentRoutesOptions): Route[] {
  const { files, authenticate, trackUpload } = options;
  const store = ctx.store.attachments;
  const limits = ctx.config.attachments;
  // One upload at a time per hash in this process: a resumed PATCH waits until the interrupted one has
  // recorded its offset instead of racing it on the same file.
  const locks = new Map<string, Promise<void>>();

  async function withLock<T>(hash: string, task: () => Promise<T>): Promise<T> {
    const previous = locks.get(hash) ?? Promise.resolve();
    const run = previous.then(task, task);
    const settled = run.then(
      () => undefined,
      () => undefined,
    );
    locks.set(hash, settled);
    try {
      return await run;
    } finally {
      if (locks.get(hash) === settled) locks.delete(hash);
    }
  }

  const status = (record: AttachmentRecord): AttachmentStatus => ({
    hash: record.hash,
    size: record.size,
    offset: record.offset,
    complete: record.complete,
    expiresAt: record.expiresAt,
  });

  const offsetHeaders = (record: AttachmentRecord) => ({
    'Upload-Offset': record.offset,
    'Upload-Length': record.size,
  });

  async function load(params: Record<string, string>): Promise<AttachmentRecord> {
    const hash = parsePayload(AttachmentHashSchema, params.hash, 'attachment hash');
    const record = await store.get(hash);
    if (!record || record.expiresAt <= ctx.now()) throw new ParleyError('NOT_FOUND', 'no such attachment');
    return record;
  }

  /** The uploader, or a recipient that has not acknowledged its download yet. */
  function requireParty(record: AttachmentRecord, identity: string): void {
    if (record.uploader !== identity && !record.waiting.includes(identity)) {
      throw new ParleyError('ACCESS_DENIED', 'only the uploader and its recipients may use this attachment');
    }
  }

  /**
   * Record first, bytes second: a crash in between leaves a file no record owns, which housekeeping deletes,
   * rather than a record whose bytes are gone.
   */
  async function forget(hash: string): Promise<void> {
    await store.remove(hash);
    await files.remove(hash);
  }

  /** Hashes the finished file; a match becomes downloadable, a mismatch is discarded with its record. */
  async function finalize(record: AttachmentRecord): Promise<AttachmentRecord> {
    const path = await files.finishedUploadPath(record.hash);
    const actual = path ? await files.sha256(path) : null;
    if (actual !== record.hash) {
      await forget(record.hash);
      throw new ParleyError(
        'BAD_REQUEST',
        `uploaded bytes hash to ${actual ?? 'nothing'}, not ${record.hash}; the upload was discarded, create it again`,
      );
    }
    if (path === files.partPath(record.hash)) await files.promote(record.hash);
    await store.setOffset(record.hash, record.size, true);
    return { ...record, offset: record.size, complete: true };
  }

  async function create({ req, res }: RouteRequest) {
    const uploader = await authenticate(req);
    const request = parsePayload(CreateAttachmentSchema, await readJson(req), 'attachment');
    if (request.size > limits.maxBytes) {
      throw new ParleyError(
        'PAYLOAD_TOO_LARGE',
        `attachments are at most ${limits.maxBytes} bytes on this relay`,
      );
    }
    const now = ctx.now();
    const ttlSeconds = Math.min(request.ttlSeconds ?? limits.ttlSeconds, limits.ttlSeconds);
    const existed = (await store.get(request.hash)) !== null;
    if (!existed) await checkStorageCeiling(ctx, request.size);
    const record = await store.create(
      {
        hash: request.hash,
        size: request.size,
        uploader,
        recipients: request.recipients,
        createdAt: now,
        expiresAt: now + ttlSeconds * 1000,
      },
      limits.quotaBytes,
    );
    sendJson(res, existed ? 200 : 201, status(record), offsetHeaders(record));
  }

  async function readStatus({ req, res, params }: RouteRequest) {
    const identity = await authenticate(req);
    const record = await load(params);
    requireParty(record, identity);
    if (req.method === 'HEAD') {
      res.writeHead(200, { ...offsetHeaders(record), 'Cache-Control': 'no-store' }).end();
    } else {
      sendJson(res, 200, status(record), offsetHeaders(record));
    }
  }

  async function upload({ req, res, params }: RouteRequest) {
    const identity = await authenticate(req);
    const offset = parseOffset(req.headers['upload-offset']);
    const declared = req.headers['content-length'];
    await withLock(params.hash ?? '', async () => {
      const record = await load(params);
      if (record.uploader !== identity)
        throw new ParleyError('ACCESS_DENIED', 'only the uploader may upload');
      const conflict = (current: AttachmentRecord, message: string) =>
        sendError(
          res,
          { code: 'CONFLICT', message },
          { body: { offset: current.offset }, headers: offsetHeaders(current) },
        );
      if (record.complete) return conflict(record, 'attachment is already complete');
      if (offset !== record.offset)
        return conflict(record, `upload must continue at offset ${record.offset}`);
      if (declared !== undefined && offset + Number(declared) > record.size) {
        throw new ParleyError(
          'PAYLOAD_TOO_LARGE',
          `body would pass the declared size of ${record.size} bytes`,
        );
      }

      const untrack = trackUpload(req);
      req.setTimeout(BODY_IDLE_MS, () => req.destroy(new Error('upload body stalled')));
      let position = offset;
      let overflow = false;
      try {
        ({ position, overflow } = await files.append(record.hash, offset, req, {
          limit: record.size,
          checkpointBytes: CHECKPOINT_BYTES,
          onDurable: async (durable) => {
            ctx.metrics.bytesIn.inc(durable - position);
            position = durable;
            await store.setOffset(record.hash, durable, false);
          },
        }));
      } catch (error) {
        // The client went away mid-body: the bytes that arrived are recorded; nobody is left to answer.
        ctx.log.debug({ hash: record.hash, offset: position, err: error }, 'attachment upload interrupted');
        res.destroy();
        return;
      } finally {
        untrack();
      }
      const current = { ...record, offset: position };
      if (overflow) {
        return sendError(
          res,
          { code: 'PAYLOAD_TOO_LARGE', message: `body passed the declared size of ${record.size} bytes` },
          { body: { offset: position }, headers: { ...offsetHeaders(current), Connection: 'close' } },
        );
      }
      const done = position === record.size ? await finalize(current) : current;
      sendJson(res, 200, status(done), offsetHeaders(done));
    });
  }

  async function download({ req, res, params }: RouteRequest) {
    const identity = await authenticate(req);
    const record = await load(params);
    requireParty(record, identity);
    if (!record.complete) throw new ParleyError('CONFLICT', 'attachment is not completely uploaded yet');
    const range = parseRange(req.headers.range, record.size);
    if (range === 'unsatisfiable') {
      // 416 is what HTTP clients expect here; the body still carries a protocol code.
      return sendJson(
        res,
        416,
        { error: { code: 'BAD_REQUEST', message: 'requested range not satisfiable' } },
        { 'Content-Range': `bytes */${record.size}` },
      );
    }
    // Checked before the headers go out: with several relay processes the bytes live on the one that took the
    // upload unless the data directories are shared, and a 200 followed by a cut-off body would look complete.
    if ((await files.size(files.completePath(record.hash))) !== record.size) {
      throw new ParleyError('UNAVAILABLE', 'attachment bytes are not on this relay process');
    }
    const { start, end } = range ?? { start: 0, end: record.size - 1 };
    res.writeHead(range ? 206 : 200, {
      'Content-Type': 'application/octet-stream',
      'Content-Length': end - start + 1,
      'Accept-Ranges': 'bytes',
      ETag: `"${record.hash}"`,
      'Cache-Control': 'private, no-store',
      ...(range ? { 'Content-Range': `bytes ${start}-${end}/${record.size}` } : {}),
    });
    if (req.method === 'HEAD') return void res.end();
    // pipeline follows the socket's backpressure: memory stays at one read buffer whatever the file size.
    try {
      await pipeline(createReadStream(files.completePath(record.hash), { start, end }), res);
      ctx.metrics.bytesOut.inc(end - start + 1);
    } catch (error) {
      // The reader went away; it resumes with a Range request.
      ctx.log.debug({ hash: record.hash, err: error }, 'attachment download interrupted');
    }
  }

  async function acknowledge({ req, res, params }: RouteRequest) {
    const identity = await authenticate(req);
    const record = await load(params);
    if (!record.complete) throw new ParleyError('CONFLICT', 'attachment is not completely uploaded yet');
    const nobodyWaits = await store.markFetched(record.hash, identity);
    if (nobodyWaits) await forget(record.hash);
    sendJson(res, 200, { deleted: nobodyWaits });
  }

  async function cancel({ req, res, params }: RouteRequest) {
    const identity = await authenticate(req);
    await withLock(params.hash ?? '', async () => {
      const record = await load(params);
      if (record.uploader !== identity)
        throw new ParleyError('ACCESS_DENIED', 'only the uploader may delete');
      await forget(record.hash);
      res.writeHead(204).end();
    });
  }

  return [
    { method: 'POST', pattern: '/v1/attachments', mutates: true, handle: create },
    { method: 'GET', pattern: '/v1/attachments/:hash/status', handle: readStatus },
    { method: 'HEAD', pattern: '/v1/attachments/:hash/status', handle: readStatus },
    { method: 'PATCH', pattern: '/v1/attachments/:hash', mutates: true, handle: upload },
    { method: 'GET', pattern: '/v1/attachments/:hash', handle: download },
    { method: 'HEAD', pattern: '/v1/attachments/:hash', handle: download },
    { method: 'DELETE', pattern: '/v1/attachments/:hash', mutates: true, handle: cancel },
    { method: 'POST', pattern: '/v1/attachments/:hash/ack', mutates: true, handle: acknowledge },
  ];
}

function parseOffset(header: string | string[] | undefined): number {
  if (typeof header !== 'string' || !/^\d{1,16}$/.test(header)) {
    throw new ParleyError('BAD_REQUEST', 'Upload-Offset header must be a non-negative integer');
  }
  return Number(header);
}
