// Run as a child process by durability.test.ts: deposits as fast as it can and prints the id of every
// deposit whose promise resolved, until the test kills it with SIGKILL.
import { openSqliteStore } from './sqlite-store.node.js';

const path = process.argv[2];
if (!path) throw new Error('usage: crash-writer.node.ts <file>');
const store = await openSqliteStore({ path });
const recipient = Buffer.alloc(32, 2).toString('base64url');
const sender = Buffer.alloc(32, 1).toString('base64url');
const quota = { maxBlobs: Number.MAX_SAFE_INTEGER, maxBytes: Number.MAX_SAFE_INTEGER };

async function writer(): Promise<never> {
  for (let n = 0; ; n += 1) {
    const payload = new Uint8Array(256).fill(n % 256);
    const { id } = await store.blobs.deposit(
      { sender, recipients: [recipient], payload, depositedAt: 1, expiresAt: 2 },
      quota,
    );
    process.stdout.write(`${id}\n`);
  }
}
await Promise.all(Array.from({ length: 32 }, writer));
