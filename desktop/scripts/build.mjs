// Bundles the Electron main process and the preload into desktop/dist (electron-builder packages that folder):
//   dist/main.mjs     the main process (ESM, Node built-ins and `electron` left external)
//   dist/preload.cjs  the preload (CommonJS: sandboxed preloads cannot load ES modules or other files)
//   dist/renderer/    the web UI, built separately into this folder and served as app://parley/
// esbuild is already in the workspace (vitest and tsx use it); nothing here downloads Electron.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const dist = path.join(root, 'dist');
const production = process.argv.includes('--production');

await build({
  entryPoints: [path.join(root, 'src/main/app.main.ts')],
  outfile: path.join(dist, 'main.mjs'),
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node22',
  external: ['electron'],
  // Bundled CommonJS dependencies (tweetnacl) call require() for Node built-ins.
  banner: {
    js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
  },
  minify: production,
  sourcemap: production ? false : 'linked',
  logLevel: 'info',
});

await build({
  entryPoints: [path.join(root, 'src/preload/preload.preload.ts')],
  outfile: path.join(dist, 'preload.cjs'),
  bundle: true,
  // 'browser' makes any accidental Node import fail the build: the sandboxed preload has none.
  platform: 'browser',
  format: 'cjs',
  target: 'chrome140',
  external: ['electron'],
  minify: production,
  sourcemap: production ? false : 'inline',
  logLevel: 'info',
});

if (!existsSync(path.join(dist, 'renderer', 'index.html')))
  console.warn('desktop/dist/renderer/index.html is missing: build the web UI into it before packaging.');
