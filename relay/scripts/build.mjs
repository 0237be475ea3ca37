#!/usr/bin/env node
// Compiles the relay to plain JavaScript in build/, for `npm start`, the `parley-relay` bin and `npm pack`:
// - build/cli.js and build/index.js: the relay's TypeScript and the parts of @parley/core it uses, compiled and
//   bundled by esbuild (core is a private workspace package, so the relay package carries its compiled code
//   rather than depending on it); every other package stays an ordinary dependency, imported at run time;
// - build/web/: the built web client (desktop/dist/renderer, `npm run build:web`), served by default.
// Types are checked by `tsc -b`, not here. Fails if the bundle imports a package the relay does not declare.
import { build } from 'esbuild';
import { cp, readFile, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { fileURLToPath } from 'node:url';

const relay = fileURLToPath(new URL('..', import.meta.url));
// Not dist/: that is where `tsc -b` keeps the relay's declarations for the projects that reference it.
const dist = `${relay}build`;
const webBuild = fileURLToPath(new URL('../../desktop/dist/renderer/', import.meta.url));
const manifest = JSON.parse(await readFile(`${relay}package.json`, 'utf8'));
const declared = new Set(Object.keys(manifest.dependencies ?? {}));
const builtins = new Set(builtinModules);

const coreSource = fileURLToPath(new URL('../../core/src/', import.meta.url));

/**
 * Bare imports stay external unless they are a workspace package, whose source is compiled in. Core's modules
 * have no import-time side effects, so what the relay does not use (the browser's WebRTC and IndexedDB parts)
 * is left out along with the packages only they import.
 */
const externals = {
  name: 'externals',
  setup(builder) {
    builder.onResolve({ filter: /^\./ }, async (args) => {
      if (!args.importer.startsWith(coreSource) || args.pluginData === 'inner') return undefined;
      const resolved = await builder.resolve(args.path, {
        kind: args.kind,
        resolveDir: args.resolveDir,
        importer: args.importer,
        pluginData: 'inner',
      });
      return resolved.errors.length > 0 ? undefined : { path: resolved.path, sideEffects: false };
    });
    builder.onResolve({ filter: /^[^./]/ }, (args) => {
      if (args.path.startsWith('@parley/')) return undefined;
      if (args.path.startsWith('node:') || builtins.has(args.path.split('/')[0])) {
        return { path: args.path, external: true };
      }
      return { path: args.path, external: true };
    });
  },
};

await rm(dist, { recursive: true, force: true });
const result = await build({
  absWorkingDir: relay,
  entryPoints: { cli: 'src/cli.node.ts', index: 'src/index.ts' },
  outdir: dist,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20.19',
  plugins: [externals],
  sourcemap: 'linked',
  metafile: true,
  logLevel: 'warning',
  banner: { js: '// Built by relay/scripts/build.mjs from relay/src and core/src; do not edit.' },
});

const missing = new Set();
for (const output of Object.values(result.metafile.outputs)) {
  for (const imported of output.imports) {
    if (!imported.external || imported.path.startsWith('node:')) continue;
    if (builtins.has(imported.path.split('/')[0])) continue;
    const name = imported.path.startsWith('@')
      ? imported.path.split('/').slice(0, 2).join('/')
      : imported.path.split('/')[0];
    if (!declared.has(name)) missing.add(name);
  }
}
if (missing.size > 0) {
  console.error(
    `relay build: the bundle imports ${[...missing].join(', ')}, missing from relay/package.json dependencies`,
  );
  process.exit(1);
}

if (existsSync(`${webBuild}index.html`)) {
  await cp(webBuild, `${dist}/web`, { recursive: true });
} else {
  console.warn(
    'relay build: no web client in desktop/dist/renderer (npm run build:web); packaging without it',
  );
}
console.log(`relay build: ${Object.keys(result.metafile.outputs).length} files in relay/build`);
