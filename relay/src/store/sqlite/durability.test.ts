import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { identity } from '../contract/fixtures.js';
import { openSqliteStore } from './sqlite-store.node.js';

const writerScript = fileURLToPath(new URL('./crash-writer.node.ts', import.meta.url));
const tsx = createRequire(import.meta.url).resolve('tsx');

describe('SQLite relay store durability', () => {
  it('keeps every acknowledged deposit when the relay process is killed with SIGKILL', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'parley-crash-'));
    const path = join(dir, 'parley.sqlite');
    try {
      const child = spawn(process.execPath, ['--import', tsx, writerScript, path], {
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      const acknowledged: string[] = [];
      let buffered = '';
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      await new Promise<void>((resolve, reject) => {
        child.once('exit', (code) => reject(new Error(`writer exited early with ${code}`)));
        child.stdout.on('data', (chunk: Buffer) => {
          buffered += chunk.toString();
          const lines = buffered.split('\n');
          buffered = lines.pop() ?? '';
          acknowledged.push(...lines);
          // Kill mid-stream, while many deposits are queued or committing.
          if (acknowledged.length >= 3_000) {
            child.kill('SIGKILL');
            resolve();
          }
        });
      });
      await exited;

      const store = await openSqliteStore({ path });
      try {
        const stored = new Set((await store.blobs.pending(identity(2), 1_000_000)).map((blob) => blob.id));
        expect(acknowledged.filter((id) => !stored.has(id))).toEqual([]);
      } finally {
        await store.close();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
