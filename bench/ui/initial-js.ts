import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

export interface ScriptSize {
  readonly files: number;
  readonly bytes: number;
  readonly gzipBytes: number;
}

/**
 * The JavaScript the first screen loads before anything else: the entry <script> of the built index.html
 * and the chunks it preloads (Vite writes <link rel="modulepreload"> for static imports), against all the
 * JavaScript in the build. Gzip at level 9, about what a server sends.
 */
export async function scriptSizes(distDir: string): Promise<{ initial: ScriptSize; all: ScriptSize }> {
  const html = await readFile(join(distDir, 'index.html'), 'utf8');
  const initial = new Set<string>();
  for (const match of html.matchAll(
    /<(?:script[^>]*\bsrc|link[^>]*rel="modulepreload"[^>]*\bhref)="\.?\/?([^"]+\.js)"/gu,
  ))
    if (match[1] !== undefined) initial.add(match[1]);
  const assets = (await readdir(join(distDir, 'assets'))).filter((name) => name.endsWith('.js'));
  return {
    initial: await measure(distDir, [...initial]),
    all: await measure(
      distDir,
      assets.map((name) => `assets/${name}`),
    ),
  };
}

async function measure(distDir: string, paths: readonly string[]): Promise<ScriptSize> {
  let bytes = 0;
  let gzipBytes = 0;
  for (const path of paths) {
    const file = join(distDir, path);
    bytes += (await stat(file)).size;
    gzipBytes += gzipSync(await readFile(file), { level: 9 }).length;
  }
  return { files: paths.length, bytes, gzipBytes };
}

export function formatSize(size: ScriptSize): string {
  return `${(size.gzipBytes / 1024).toFixed(1)} KB gzipped (${(size.bytes / 1024).toFixed(0)} KB) in ${size.files} file${size.files === 1 ? '' : 's'}`;
}
