import { describe, expect, it } from 'vitest';
import type { StoredBlob } from '../store/types.js';
import { BlobFeed } from './blob-feed.node.js';

const blob = (id: string, expiresAt = 1_000): StoredBlob => ({
  id,
  payload: new Uint8Array(),
  depositedAt: 0,
  expiresAt,
});

describe('a socket’s blob feed', () => {
  it('holds back blobs pushed while the backlog is read, and sends each once after it', async () => {
    const sent: string[] = [];
    const feed = new BlobFeed(
      (b) => sent.push(b.id),
      () => 0,
    );
    const store = Array.from({ length: 250 }, (_, i) => blob(`b${String(i).padStart(3, '0')}`));
    let reads = 0;
    await feed.drain(
      async (limit, afterId) => {
        reads += 1;
        // A new blob lands in the store and is pushed live during every page read.
        const fresh = blob(`n${reads}`);
        store.push(fresh);
        feed.push(fresh);
        const start = afterId === undefined ? 0 : store.findIndex((b) => b.id === afterId) + 1;
        await Promise.resolve();
        return store.slice(start, start + limit);
      },
      () => true,
    );
    expect(sent).toEqual(store.map((b) => b.id));
    feed.push(blob('after'));
    expect(sent.at(-1)).toBe('after');
  });

  it('skips blobs that expired by the relay’s clock', async () => {
    const sent: string[] = [];
    const feed = new BlobFeed(
      (b) => sent.push(b.id),
      () => 500,
    );
    await feed.drain(
      async () => [blob('old', 400), blob('fresh', 600)],
      () => true,
    );
    expect(sent).toEqual(['fresh']);
  });
});
