import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultConfig } from '../config.js';
import { startRelay } from '../relay.node.js';
import { openStore } from '../store/open.node.js';
import { connectClient, makeIdentity } from '../testing/client.node.js';
import { startRealtimeRelay } from './test-harness.node.js';

describe('connection lifecycle', () => {
  it('disconnects a socket that never answers its challenge once the challenge expires', async () => {
    const relay = await startRealtimeRelay({ challengeTtlSeconds: 1 });
    try {
      const idle = await relay.connect({ skipAuth: true });
      const reason = await new Promise<string>((resolve) => idle.socket.once('disconnect', resolve));
      expect(reason).toBe('io server disconnect');
    } finally {
      await relay.stop();
    }
  });

  it('keeps every deposit it acknowledged when shut down with deposits in flight', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'parley-shutdown-'));
    const config = defaultConfig({ port: 0, host: '127.0.0.1', logLevel: 'silent', dataDir });
    try {
      const relay = await startRelay(config);
      const alice = await connectClient(relay.url);
      const bob = makeIdentity();
      const deposits = Array.from({ length: 40 }, (_, i) =>
        alice
          .request('blob:deposit', { recipients: [bob.id], payload: Buffer.from(`m${i}`) })
          .catch(() => null),
      );
      // Let the first deposits reach the relay, then shut down while the rest are in flight.
      await deposits[0];
      await relay.close();
      const acknowledged = (await Promise.all(deposits)).flatMap((result) => (result?.ok ? [result.id] : []));
      expect(acknowledged.length).toBeGreaterThan(0);
      alice.close();

      const store = await openStore(config);
      try {
        const pending = await store.blobs.pending(bob.id, 100);
        expect(pending.map((blob) => blob.id)).toEqual(expect.arrayContaining(acknowledged));
      } finally {
        await store.close();
      }
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
