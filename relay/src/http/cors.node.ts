import type { IncomingMessage, ServerResponse } from 'node:http';

const ALLOW_METHODS = 'GET, HEAD, POST, PATCH, DELETE, OPTIONS';
const ALLOW_HEADERS = 'Authorization, Content-Type, Upload-Offset, Range';
/** Browsers hide response headers from scripts unless listed; resumable uploads and ranges need these. */
const EXPOSE_HEADERS = 'Upload-Offset, Upload-Length, Content-Range, Accept-Ranges, Content-Length, ETag';

/**
 * CORS for the `/v1/` API. Requests without an Origin (native clients) and same-origin requests (the web client
 * this relay serves) need nothing; other browser origins must be listed in config.allowedOrigins ('*' allows
 * any). Returns false for an origin that is not allowed.
 */
export function applyCors(
  req: IncomingMessage,
  res: ServerResponse,
  allowedOrigins: readonly string[],
): boolean {
  const origin = req.headers.origin;
  if (origin === undefined) return true;
  res.setHeader('Vary', 'Origin');
  const allowed = allowedOrigins.includes('*') || allowedOrigins.includes(origin) || sameOrigin(origin, req);
  if (!allowed) return false;
  res.setHeader('Access-Control-Allow-Origin', origin);
  res.setHeader('Access-Control-Expose-Headers', EXPOSE_HEADERS);
  if (isPreflight(req)) {
    res.setHeader('Access-Control-Allow-Methods', ALLOW_METHODS);
    res.setHeader('Access-Control-Allow-Headers', ALLOW_HEADERS);
    res.setHeader('Access-Control-Max-Age', '600');
  }
  return true;
}

export function isPreflight(req: IncomingMessage): boolean {
  return req.method === 'OPTIONS';
}

function sameOrigin(origin: string, req: IncomingMessage): boolean {
  try {
    return req.headers.host !== undefined && new URL(origin).host === req.headers.host;
  } catch {
    return false;
  }
}
