import { existsSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { homedir } from 'node:os';
import { join } from 'node:path';

/**
 * An npm registry on 127.0.0.1 for installing a packed package the way an operator does (`npm install -g
 * x.tgz`) without leaving loopback. It offers every package version the repository's package-lock.json names,
 * with the lock's integrity, and serves each tarball from npm's own cache (`npm ci` put them there), read by
 * content address. Nothing else from the repository reaches the install: npm resolves and fetches as from the
 * public registry, and refuses a tarball whose bytes do not match the lock's integrity.
 */
export interface LoopbackRegistry {
  readonly url: string;
  close(): Promise<void>;
}

interface LockEntry {
  version?: string;
  integrity?: string;
  link?: boolean;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
  bin?: Record<string, string>;
  engines?: Record<string, string>;
  os?: string[];
  cpu?: string[];
  hasInstallScript?: boolean;
}

export async function startLoopbackRegistry(
  lockFile: string,
  cacheDir = process.env['npm_config_cache'] ?? join(homedir(), '.npm'),
): Promise<LoopbackRegistry> {
  const lock = JSON.parse(readFileSync(lockFile, 'utf8')) as { packages: Record<string, LockEntry> };
  const versions = new Map<string, Map<string, LockEntry>>();
  for (const [path, entry] of Object.entries(lock.packages)) {
    const cut = path.lastIndexOf('node_modules/');
    if (cut === -1 || entry.link || !entry.version || !entry.integrity) continue;
    const name = path.slice(cut + 'node_modules/'.length);
    if (!versions.has(name)) versions.set(name, new Map());
    versions.get(name)?.set(entry.version, entry);
  }
  let base = '';

  const server: Server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname).slice(1);
    const tarball = /^-\/tarball\/(.+)\/([^/]+)\.tgz$/.exec(path);
    if (tarball) {
      const entry = versions.get(tarball[1] as string)?.get(tarball[2] as string);
      const file = entry?.integrity ? cachedContent(cacheDir, entry.integrity) : undefined;
      if (!file) return void res.writeHead(404).end();
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      return void res.end(readFileSync(file));
    }
    const known = versions.get(path);
    // npm also asks about optional peers it will not install (bufferutil for ws, say): not found is the answer.
    if (!known)
      return void res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not found"}');
    const manifest = Object.fromEntries(
      [...known].map(([version, entry]) => [version, packument(path, version, entry, base)]),
    );
    const latest = [...known.keys()].sort(compareVersions).at(-1);
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ name: path, 'dist-tags': { latest }, versions: manifest }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  return {
    url: base,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

function packument(name: string, version: string, entry: LockEntry, base: string): object {
  const { integrity, link: _link, hasInstallScript, ...fields } = entry;
  return {
    name,
    ...fields,
    version,
    ...(hasInstallScript ? { hasInstallScript } : {}),
    dist: { integrity, tarball: `${base}-/tarball/${encodeURIComponent(name)}/${version}.tgz` },
  };
}

/** cacache's content address: content-v2/<algorithm>/<hex[0:2]>/<hex[2:4]>/<hex[4:]>. */
function cachedContent(cacheDir: string, integrity: string): string | undefined {
  const [algorithm, digest] = integrity.split(' ')[0]?.split('-') ?? [];
  if (!algorithm || !digest) return undefined;
  const hex = Buffer.from(digest, 'base64').toString('hex');
  const file = join(
    cacheDir,
    '_cacache',
    'content-v2',
    algorithm,
    hex.slice(0, 2),
    hex.slice(2, 4),
    hex.slice(4),
  );
  return existsSync(file) ? file : undefined;
}

function compareVersions(a: string, b: string): number {
  const parts = (version: string) => version.split(/[.+-]/).map((part) => Number(part) || 0);
  const [pa, pb] = [parts(a), parts(b)];
  for (let i = 0; i < Math.max(pa.length, pb.length); i += 1) {
    const diff = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (diff !== 0) return diff;
  }
  return 0;
}
