#!/usr/bin/env node
// Runs the compiled relay (build/, from `npm run build`) with plain Node. Development runs the TypeScript
// directly instead: `npx tsx relay/src/cli.node.ts serve`.
import { existsSync } from 'node:fs';

const cli = new URL('../build/cli.js', import.meta.url);
if (!existsSync(cli)) {
  console.error(
    'parley-relay: not built (relay/build/cli.js is missing). Run `npm run build` at the repository root,\n' +
      'or run the sources in development: npx tsx relay/src/cli.node.ts serve',
  );
  process.exit(1);
}
await import(cli.href);
