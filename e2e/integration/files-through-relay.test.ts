import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FetchLike } from '@parley/core';
import { next, scenario, startAll, pattern } from './support/harness.js';

const s = scenario();
beforeEach(s.setup);
afterEach(s.teardown);

describe('ParleyClient files', () => {
  it('leaves a file on the relay for a peer who is offline, and the peer fetches it when back', async () => {
    const alice = s.device('alice');
    const bob = s.device('bob');
    await startAll(alice, bob);
    const bobAccount = bob.c.account;
    await bob.stop();
    const bytes = pattern(600_000);
    const messageId = await alice.c.files.send(alice.c.conversations.direct(bobAccount), {
      name: 'photo.jpg',
      mimeType: 'image/jpeg',
      bytes,
      thumbnail: pattern(2_000),
    });
    const bobClient = await bob.start();
    const offered = next(bobClient, 'file-offered');
    const arriving = next(bobClient, 'file');
    expect((await offered).thumbnail).toEqual(pattern(2_000));
    const arrived = await arriving;
    expect(arrived).toMatchObject({ messageId, name: 'photo.jpg', mimeType: 'image/jpeg' });
    expect(arrived.bytes).toEqual(bytes);
  });

  it('retries an interrupted relay upload from where the relay stopped', async () => {
    const cutAt = 700_000;
    const calls: string[] = [];
    const cuttingFetch: FetchLike = async (url, init) => {
      const method = init?.method ?? 'GET';
      if (url.includes('/v1/attachments'))
        calls.push(`${method} ${init?.headers?.['upload-offset'] ?? ''}`.trim());
      const body = init?.body;
      if (
        method !== 'PATCH' ||
        calls.filter((call) => call.startsWith('PATCH')).length > 1 ||
        !(body instanceof Uint8Array)
      )
        return fetch(url, init);
      // The first PATCH's connection breaks after `cutAt` bytes reached the relay: the relay keeps them,
      // the client never hears back.
      await fetch(url, { ...init, body: body.subarray(0, cutAt) });
      throw new TypeError('fetch failed: connection reset');
    };
    const alice = s.device('alice', { fetch: cuttingFetch });
    const bob = s.device('bob');
    await startAll(alice, bob);
    const bobAccount = bob.c.account;
    await bob.stop();
    const bytes = pattern(1_500_000);
    const messageId = await alice.c.files.send(alice.c.conversations.direct(bobAccount), {
      name: 'notes.pdf',
      mimeType: 'application/pdf',
      bytes,
    });
    // Asked the relay where it stood, and sent only the rest.
    expect(calls).toEqual(['POST', 'PATCH 0', 'HEAD', `PATCH ${cutAt}`]);
    const bobClient = await bob.start();
    const arrived = await next(bobClient, 'file');
    expect(arrived).toMatchObject({ messageId, name: 'notes.pdf' });
    expect(arrived.bytes).toEqual(bytes);
  });

  it('resumes an interrupted relay download with a Range request', async () => {
    const cutAfter = 300_000;
    const requests: { range: string | undefined }[] = [];
    const cuttingFetch: FetchLike = async (url, init) => {
      const response = await fetch(url, init);
      if (init?.method !== 'GET' || !url.includes('/v1/attachments/')) return response;
      requests.push({ range: init.headers?.range });
      if (requests.length > 1 || response.body === null) return response;
      // The first download's connection drops after `cutAfter` bytes.
      const reader = response.body.getReader();
      let passed = 0;
      const body = new ReadableStream<Uint8Array>({
        async pull(controller) {
          if (passed >= cutAfter) {
            await reader.cancel();
            controller.error(new Error('connection reset'));
            return;
          }
          const { done, value } = await reader.read();
          if (done) return controller.close();
          const piece = value.subarray(0, cutAfter - passed);
          passed += piece.length;
          controller.enqueue(piece);
        },
      });
      return new Response(body, { status: response.status, headers: response.headers });
    };
    const alice = s.device('alice');
    const bob = s.device('bob', { fetch: cuttingFetch });
    await startAll(alice, bob);
    const bobAccount = bob.c.account;
    await bob.stop();
    const bytes = pattern(1_500_000);
    const messageId = await alice.c.files.send(alice.c.conversations.direct(bobAccount), {
      name: 'archive.zip',
      mimeType: 'application/zip',
      bytes,
    });
    const bobClient = await bob.start();
    const arrived = await next(bobClient, 'file');
    expect(arrived).toMatchObject({ messageId, name: 'archive.zip' });
    expect(arrived.bytes).toEqual(bytes);
    expect(requests).toHaveLength(2);
    expect(requests[0]?.range).toBeUndefined();
    expect(requests[1]?.range).toBe(`bytes=${cutAfter}-`);
  });
});
