#!/usr/bin/env node
// Writes relay/npm-shrinkwrap.json (at `npm pack`, removed after): the relay's run-time dependency tree exactly as
// the repository's package-lock.json has it, so `npm install -g parley-relay-<version>.tgz` installs the versions
// this repository tested, from their recorded integrity (which also lets it install from npm's cache alone).
// `--remove` deletes the file again (postpack), so the workspace itself never sees a second lock file.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const relayDir = fileURLToPath(new URL('..', import.meta.url));
const target = `${relayDir}npm-shrinkwrap.json`;
if (process.argv.includes('--remove')) {
  rmSync(target, { force: true });
  process.exit(0);
}

const lock = JSON.parse(
  readFileSync(fileURLToPath(new URL('../../package-lock.json', import.meta.url)), 'utf8'),
);
const manifest = JSON.parse(readFileSync(`${relayDir}package.json`, 'utf8'));
const entries = lock.packages;

/** Node's lookup: the nearest node_modules/<name> walking up from the requiring package's folder. */
function locate(name, from) {
  let folder = from;
  for (;;) {
    const candidate = folder === '' ? `node_modules/${name}` : `${folder}/node_modules/${name}`;
    if (entries[candidate]) return candidate;
    if (folder === '') return undefined;
    const cut = folder.lastIndexOf('/node_modules/');
    folder = cut === -1 ? '' : folder.slice(0, cut);
  }
}

/** The package's location in the installed tree: the workspace folder `relay` becomes the package root. */
const installedPath = (location) => location.replace(/^relay\//, '');

const packages = {};
const queue = Object.keys(manifest.dependencies ?? {}).map((name) => ({
  name,
  from: 'relay',
  optional: false,
}));
while (queue.length > 0) {
  const { name, from, optional } = queue.shift();
  const location = locate(name, from);
  if (location === undefined) {
    if (optional) continue;
    throw new Error(`shrinkwrap: ${name} (needed by ${from || 'the relay'}) is not in package-lock.json`);
  }
  const key = installedPath(location);
  if (packages[key]) continue;
  const { dev: _dev, devOptional: _devOptional, peer: _peer, ...entry } = entries[location];
  packages[key] = entry;
  for (const dep of Object.keys(entry.dependencies ?? {}))
    queue.push({ name: dep, from: location, optional: false });
  for (const dep of Object.keys(entry.optionalDependencies ?? {}))
    queue.push({ name: dep, from: location, optional: true });
  // npm installs peers too; an optional peer that nothing else brings stays out.
  for (const dep of Object.keys(entry.peerDependencies ?? {})) {
    const optionalPeer = entry.peerDependenciesMeta?.[dep]?.optional === true;
    queue.push({ name: dep, from: location, optional: optionalPeer });
  }
}

const root = {
  name: manifest.name,
  version: manifest.version,
  license: manifest.license,
  dependencies: manifest.dependencies,
  bin: manifest.bin,
  engines: manifest.engines,
};
const sorted = Object.fromEntries(Object.entries(packages).sort(([a], [b]) => a.localeCompare(b)));
writeFileSync(
  target,
  `${JSON.stringify(
    {
      name: manifest.name,
      version: manifest.version,
      lockfileVersion: 3,
      requires: true,
      packages: { '': root, ...sorted },
    },
    null,
    2,
  )}\n`,
);
console.log(`shrinkwrap: ${Object.keys(sorted).length} packages pinned in relay/npm-shrinkwrap.json`);
