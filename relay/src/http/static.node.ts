import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, resolve, sep } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { WEB_CLIENT_HEADERS } from './web-client-headers.node.js';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.wasm': 'application/wasm',
  '.txt': 'text/plain; charset=utf-8',
  '.webmanifest': 'application/manifest+json',
};

/**
 * Serves the built web client from `root` for GET/HEAD paths no route claimed. Paths without an extension
 * that match no file get `index.html`, so the client's own routes survive a reload. Resolves false when
 * nothing fits (the caller answers 404).
 */
export function createStaticHandler(root: string) {
  const base = resolve(root);

  async function fileAt(path: string): Promise<{ path: string; size: number } | null> {
    try {
      const info = await stat(path);
      if (info.isDirectory()) return fileAt(join(path, 'index.html'));
      return info.isFile() ? { path, size: info.size } : null;
    } catch {
      return null;
    }
  }

  return async function serveStatic(
    req: IncomingMessage,
    res: ServerResponse,
    pathname: string,
  ): Promise<boolean> {
    let decoded: string;
    try {
      decoded = decodeURIComponent(pathname);
    } catch {
      return false;
    }
    if (decoded.includes('\0')) return false;
    // resolve() collapses `..`; anything that lands outside the root is refused rather than clamped.
    const target = resolve(base, `.${decoded.startsWith('/') ? decoded : `/${decoded}`}`);
    if (target !== base && !target.startsWith(base + sep)) return false;

    let file = await fileAt(target);
    if (!file && extname(target) === '') file = await fileAt(join(base, 'index.html'));
    if (!file) return false;

    const type = CONTENT_TYPES[extname(file.path).toLowerCase()] ?? 'application/octet-stream';
    res.writeHead(200, {
      'Content-Type': type,
      'Content-Length': file.size,
      ...WEB_CLIENT_HEADERS,
      // index.html must be revalidated so a new client version is picked up; hashed assets may be cached.
      'Cache-Control': file.path.endsWith('.html') ? 'no-cache' : 'public, max-age=3600',
    });
    if (req.method === 'HEAD') {
      res.end();
      return true;
    }
    await pipeline(createReadStream(file.path), res).catch(() => undefined);
    return true;
  };
}
