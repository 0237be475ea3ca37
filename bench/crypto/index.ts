import { runAttachmentBench } from './attachment.js';
import { runRatchetBench } from './ratchet.js';
import { runX3dhBench } from './x3dh.js';

/** All crypto benches, each bounded to a few seconds: `npx tsx bench/crypto/index.ts`. */
console.log(`crypto benches — Node ${process.version}`);
await runRatchetBench();
await runAttachmentBench();
await runX3dhBench();
