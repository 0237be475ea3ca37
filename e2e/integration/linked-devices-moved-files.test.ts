import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LinkEvents, LinkJoin, LinkOffer, ParleyClient, ParleyError } from '@parley/core';
import { directorySinkFactory, directoryStoredFile } from '@parley/core/files/node';
import { next, pair, pattern, scenario, until, type TestDevice } from './support/harness.js';

// Opens WebRTC: run inside
// `unshare -rn sh -c 'ip link set lo up && npx vitest run e2e/integration/linked-devices-moved-files.test.ts'`.

const s = scenario();
let dir = '';
beforeEach(async () => {
  await s.setup();
  dir = await mkdtemp(join(tmpdir(), 'parley-moved-files-'));
});
afterEach(async () => {
  await s.teardown();
  await rm(dir, { recursive: true, force: true });
});

function once<K extends keyof LinkEvents & string>(
  emitter: LinkOffer | LinkJoin,
  event: K,
): Promise<LinkEvents[K]> {
  return new Promise((resolve) => {
    const off = emitter.on(event, (payload: LinkEvents[K]) => {
      off();
      resolve(payload);
    });
  });
}

/** Alice keeps her files in `dir` (and reads them back for her other devices); Bob is her contact. */
async function aliceWithFiles(direct = true): Promise<{ alice: TestDevice; bob: TestDevice }> {
  const alice = s.device('alice', {
    direct,
    fileSink: directorySinkFactory(dir),
    storedFile: directoryStoredFile(dir),
  });
  const bob = s.device('bob', { direct });
  await alice.start();
  await bob.start();
  await until(() => alice.c.connected && bob.c.connected, 'both to connect');
  await pair(alice, bob);
  return { alice, bob };
}

/** Bob sends Alice a file; resolves its message id once it is whole on Alice's disk. */
async function receivePhoto(alice: ParleyClient, bob: ParleyClient, name: string, bytes: Uint8Array) {
  const arrived = next(alice, 'file', (e) => e.name === name);
  const messageId = await bob.files.send(bob.conversations.direct(alice.account), {
    name,
    mimeType: 'image/jpeg',
    bytes,
  });
  await arrived;
  return messageId;
}

/** Alice links a fresh laptop and moves her history to it (over their direct link). */
async function linkLaptop(alice: ParleyClient, direct = true): Promise<ParleyClient> {
  const laptop = await s.device('alice-laptop', { direct }).start();
  await until(() => laptop.connected, 'the laptop to connect');
  const offer = alice.linking.offer();
  const join = await laptop.linking.join(offer.text);
  await once(join, 'code');
  const done = once(join, 'done');
  await offer.confirm();
  await done;
  return laptop;
}

describe('linked devices: the moved history brings its photos and files on demand', () => {
  it('opens a photo of the moved history on the new device: fetched from the old one, checked, stored once', async () => {
    const { alice, bob } = await aliceWithFiles();
    const photo = pattern(300 * 1024);
    const photoId = await receivePhoto(alice.c, bob.c, 'beach.jpg', photo);
    const laptop = await linkLaptop(alice.c);

    // The history brought the photo's record (the chat can draw it), not its bytes.
    expect(await laptop.files.info(photoId)).toMatchObject({ name: 'beach.jpg', size: photo.length });
    expect(await laptop.linking.movedFile(photoId)).toEqual({ state: 'not-fetched', deviceId: 1 });

    const progress: number[] = [];
    laptop.on('file-progress', (e) => {
      if (e.messageId === photoId) progress.push(e.bytes);
    });
    const shown = next(laptop, 'file', (e) => e.messageId === photoId);
    const fetching = laptop.linking.fetchFile(photoId);
    expect(await laptop.linking.movedFile(photoId)).toMatchObject({ state: 'fetching' });
    await fetching;
    const file = await shown;
    expect(file).toMatchObject({ name: 'beach.jpg', mimeType: 'image/jpeg', size: photo.length });
    expect(file.bytes).toEqual(photo);
    expect(progress.length).toBeGreaterThan(0);
    // Here now: nothing more to fetch, and asking again is refused rather than fetched twice.
    expect(await laptop.linking.movedFile(photoId)).toBeUndefined();
    await expect(laptop.linking.fetchFile(photoId)).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('fetches a file of several megabytes through the relay when no direct path opens', async () => {
    const { alice, bob } = await aliceWithFiles(false);
    const file = pattern(3 * 1024 * 1024 + 17);
    const fileId = await receivePhoto(alice.c, bob.c, 'scan.pdf', file);
    const laptop = await linkLaptop(alice.c, false);

    const shown = next(laptop, 'file', (e) => e.messageId === fileId);
    await laptop.linking.fetchFile(fileId);
    const { bytes } = await shown;
    // Compared as buffers: vitest's element-wise diff of megabytes takes minutes.
    expect(bytes?.length).toBe(file.length);
    expect(Buffer.from(bytes ?? []).equals(Buffer.from(file))).toBe(true);
  });

  it('gives up with "available when … online" when the old device goes away in the middle of a file', async () => {
    const { alice, bob } = await aliceWithFiles(false);
    const fileId = await receivePhoto(alice.c, bob.c, 'video.mp4', pattern(2 * 1024 * 1024));
    const laptop = await linkLaptop(alice.c, false);

    let crashed = false;
    laptop.on('file-progress', (e) => {
      if (e.messageId !== fileId || crashed) return;
      crashed = true;
      alice.crash(); // the old device's app dies after the first chunk; the relay path says nothing
    });
    const error = (await laptop.linking.fetchFile(fileId).catch((e: unknown) => e)) as ParleyError;
    expect(crashed).toBe(true);
    expect(error.code).toBe('UNAVAILABLE');
    expect(await laptop.linking.movedFile(fileId)).toMatchObject({ state: 'offline' });
  });

  it('says the file is available when the old device is online, and fetches it once it is', async () => {
    const { alice, bob } = await aliceWithFiles();
    const photo = pattern(100 * 1024);
    const photoId = await receivePhoto(alice.c, bob.c, 'cat.jpg', photo);
    const laptop = await linkLaptop(alice.c);

    await alice.stop();
    const error = (await laptop.linking.fetchFile(photoId).catch((e: unknown) => e)) as ParleyError;
    expect(error.code).toBe('UNAVAILABLE');
    expect(error.message).toBe('available when device 1 is online');
    expect(await laptop.linking.movedFile(photoId)).toEqual({
      state: 'offline',
      deviceId: 1,
      reason: 'available when device 1 is online',
    });

    await alice.start();
    await until(() => alice.c.connected, 'alice to come back');
    const shown = next(laptop, 'file', (e) => e.messageId === photoId);
    await laptop.linking.fetchFile(photoId);
    expect((await shown).bytes).toEqual(photo);
    expect(await laptop.linking.movedFile(photoId)).toBeUndefined();
  });

  it('refuses a file whose copy on the old device changed, and serves nothing to an unlinked device', async () => {
    const { alice, bob } = await aliceWithFiles();
    const photoId = await receivePhoto(alice.c, bob.c, 'a.jpg', pattern(50 * 1024));
    const otherId = await receivePhoto(alice.c, bob.c, 'b.jpg', pattern(40 * 1024));
    const laptop = await linkLaptop(alice.c);

    // The old device's copy is not the file the history recorded (cut short): the new device is told, no
    // bytes are written, and the file is marked failed with the reason.
    await writeFile(join(dir, `${otherId}-b.jpg`), pattern(1000));
    await expect(laptop.linking.fetchFile(otherId)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(await laptop.linking.movedFile(otherId)).toMatchObject({ state: 'failed' });

    // Unlinked, the laptop holds the resume secret still, but gets no byte of Alice's files any more.
    const listed = (await alice.c.devices.list()).find((d) => !d.current);
    await alice.c.devices.remove(listed?.deviceId ?? -1);
    const refused = (await laptop.linking.fetchFile(photoId).catch((e: unknown) => e)) as ParleyError;
    expect(refused.code).toBe('NOT_FOUND');
    expect(refused.message).toContain('no longer linked');
    expect(await laptop.linking.movedFile(photoId)).toMatchObject({ state: 'failed' });
  });
});
