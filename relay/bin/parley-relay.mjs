#!/usr/bin/env node
// Runs the compiled relay (dist/, from `npm run build`) with plain Node. Development runs the TypeScript
// directly instead: `npx tsx relay/src/cli.node.ts serve`.
import { existsSync } from 'node:fs';

const cli = new URL('../dist/cli.js', import.meta.url);
if (!existsSync(cli)) {
  console.error(
    'parley-relay: not built (relay/dist/cli.js is missing). Run `npm run build` at the repository root,\n' +
      'or run the sources in development: npx tsx relay/src/cli.node.ts serve',
  );
  process.exit(1);
}
await import(cli.href);
