import type { IncomingMessage, ServerResponse } from 'node:http';
import { isParleyError, ParleyError, type ErrorCode, type WireError } from '@parley/core';

/**
 * HTTP statuses for the protocol's error codes. The body always carries the code itself, so clients branch on
 * `error.code` exactly as they do on socket acks; the status is for proxies, logs and curl.
 */
const STATUS_BY_CODE: Partial<Record<ErrorCode, number>> = {
  BAD_REQUEST: 400,
  AUTH_REQUIRED: 401,
  AUTH_FAILED: 401,
  ACCESS_DENIED: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  PAYLOAD_TOO_LARGE: 413,
  RATE_LIMITED: 429,
  // 507 Insufficient Storage: the identity's share of the relay's disk is used up, not a malformed request.
  QUOTA_EXCEEDED: 507,
  UNAVAILABLE: 503,
  CLOSED: 503,
  INTERNAL: 500,
};

export function statusFor(code: ErrorCode): number {
  return STATUS_BY_CODE[code] ?? 400;
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string | number> = {},
): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const text = JSON.stringify(body);
  // Answering before the request body was read (a refused upload): close the connection rather than let
  // node:http read and discard the rest of a possibly huge body to keep it alive.
  if (res.req && !res.req.complete) res.setHeader('Connection', 'close');
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-store',
    ...headers,
  });
  res.end(text);
}

/** RATE_LIMITED with the seconds to wait, sent as `error.retryAfter` and a `Retry-After` header. */
export class RateLimitedError extends ParleyError {
  constructor(readonly retryAfter: number) {
    super('RATE_LIMITED', `too many requests; retry in ${retryAfter} s`);
  }
}

/** `{error: {code, message}}` plus any extra top-level fields (e.g. the current `offset` with a 409). */
export function sendError(
  res: ServerResponse,
  error: WireError,
  extra: { body?: Record<string, unknown>; headers?: Record<string, string | number> } = {},
): void {
  const retry = error.retryAfter === undefined ? {} : { 'Retry-After': error.retryAfter };
  sendJson(res, statusFor(error.code), { error, ...extra.body }, { ...retry, ...extra.headers });
}

/**
 * Turns anything a handler threw into a response. ParleyErrors are the caller's fault and keep their code and
 * message; anything else is logged and answered with a generic INTERNAL so no internals leak.
 */
export function toWireError(error: unknown, onUnexpected: (error: unknown) => void): WireError {
  if (error instanceof RateLimitedError)
    return { code: error.code, message: error.message, retryAfter: error.retryAfter };
  if (isParleyError(error)) return { code: error.code, message: error.message };
  onUnexpected(error);
  return { code: 'INTERNAL', message: 'internal error' };
}

const JSON_BODY_LIMIT = 64 * 1024;

/** Reads a small JSON request body (at most 64 KiB); BAD_REQUEST when it is not JSON. */
export async function readJson(req: IncomingMessage): Promise<unknown> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > JSON_BODY_LIMIT) throw new ParleyError('PAYLOAD_TOO_LARGE', 'JSON body over 64 KiB');
  const chunks: Buffer[] = [];
  let length = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    length += chunk.length;
    if (length > JSON_BODY_LIMIT) throw new ParleyError('PAYLOAD_TOO_LARGE', 'JSON body over 64 KiB');
    chunks.push(chunk);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
  } catch {
    throw new ParleyError('BAD_REQUEST', 'body is not valid JSON');
  }
}
