import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseIdentityString, toBase64Url, type FetchLike } from '@parley/core';
import { collect, next, scenario, startAll, until, pattern } from './support/harness.js';

const s = scenario();
beforeEach(s.setup);
afterEach(s.teardown);

const relayId = (account: string) => toBase64Url(parseIdentityString(account));

describe('files to a group', () => {
  it('uploads a file once for the group; every member gets it intact and a removed member never does', async () => {
    // Alice's attachment uploads, as the relay sees them.
    const uploads: { hash: string; recipients: string[] }[] = [];
    const watchingFetch: FetchLike = async (url, init) => {
      if (init?.method === 'POST' && url.endsWith('/v1/attachments') && typeof init.body === 'string')
        uploads.push(JSON.parse(init.body) as { hash: string; recipients: string[] });
      return fetch(url, init);
    };
    const alice = s.device('alice', { fetch: watchingFetch });
    const bob = s.device('bob');
    const carol = s.device('carol');
    const dave = s.device('dave');
    await startAll(alice, bob, carol, dave);
    const conversation = await alice.c.groups.create('expedition', [
      bob.c.account,
      carol.c.account,
      dave.c.account,
    ]);
    const groupId = conversation.slice('group:'.length);
    for (const member of [bob, carol, dave])
      await until(async () => (await member.c.groups.get(groupId)) !== undefined, `${member.name} to join`);
    const daveRemoved = next(dave.c, 'group', (event) => event.removedSelf);
    await alice.c.groups.removeMember(groupId, dave.c.account);
    await daveRemoved;
    for (const member of [bob, carol])
      await until(
        async () => (await member.c.groups.isMember(groupId, dave.c.account)) === false,
        `${member.name} to see dave removed`,
      );

    const daveOffers = collect(dave.c, 'file-offered');
    const daveMessages = collect(dave.c, 'message');
    const offeredToBob = next(bob.c, 'file-offered');
    const offeredToCarol = next(carol.c, 'file-offered');
    const atBob = next(bob.c, 'file');
    const atCarol = next(carol.c, 'file');
    const announcedToCarol = next(
      carol.c,
      'message',
      ({ message }) => message.conversationId === conversation,
    );
    const carolProgress = collect(carol.c, 'file-progress');
    const aliceProgress = collect(alice.c, 'file-progress');
    const sent = next(alice.c, 'file-sent');
    const bytes = pattern(900_000);
    const thumbnail = pattern(1_500);
    const messageId = await alice.c.files.send(conversation, {
      name: 'route.jpg',
      mimeType: 'image/jpeg',
      bytes,
      thumbnail,
      caption: 'the route',
    });
    expect((await sent).messageId).toBe(messageId);

    for (const offered of [await offeredToBob, await offeredToCarol]) {
      expect(offered).toMatchObject({ messageId, name: 'route.jpg', mimeType: 'image/jpeg' });
      expect(offered.thumbnail).toEqual(thumbnail);
    }
    for (const file of [await atBob, await atCarol]) {
      expect(file).toMatchObject({ messageId, name: 'route.jpg', size: bytes.length });
      // Buffer.equals: vitest's toEqual compares large arrays element by element, slowly.
      expect(Buffer.from(file.bytes ?? new Uint8Array()).equals(bytes)).toBe(true);
    }
    expect((await announcedToCarol).message).toMatchObject({
      id: messageId,
      text: 'the route',
      sender: { name: alice.c.account },
    });
    expect(
      carolProgress.some((event) => event.messageId === messageId && event.direction === 'receive'),
    ).toBe(true);
    expect(aliceProgress.every((event) => event.messageId === messageId && event.direction === 'send')).toBe(
      true,
    );
    expect(aliceProgress.at(-1)).toMatchObject({ bytes: aliceProgress.at(-1)?.total });

    // One upload, for the two current members only.
    expect(uploads).toHaveLength(1);
    const [upload] = uploads;
    expect(new Set(upload?.recipients)).toEqual(new Set([relayId(bob.c.account), relayId(carol.c.account)]));
    // Both acknowledged it, so the relay deleted it.
    await until(
      async () => (await s.relay().store.attachments.get(upload?.hash ?? '')) === null,
      'the relay to delete the attachment after the last ack',
    );

    // Dave, removed before the send, gets neither the announcement nor the file: a direct message sent
    // after it reaches him, the file never does.
    const toDave = next(dave.c, 'message');
    await alice.c.messages.send(alice.c.conversations.direct(dave.c.account), 'you left the expedition');
    expect((await toDave).message.text).toBe('you left the expedition');
    expect(daveOffers).toEqual([]);
    expect(daveMessages.filter(({ message }) => message.conversationId === conversation)).toEqual([]);
  });

  it('sends a voice message to a group with its duration and waveform', async () => {
    const alice = s.device('alice');
    const bob = s.device('bob');
    await startAll(alice, bob);
    const conversation = await alice.c.groups.create('band', [bob.c.account]);
    await until(
      async () => (await bob.c.groups.get(conversation.slice('group:'.length))) !== undefined,
      'bob to join',
    );
    const arrived = next(bob.c, 'file');
    await alice.c.files.send(conversation, {
      name: 'riff.opus',
      mimeType: 'audio/ogg',
      bytes: pattern(30_000),
      voice: { durationMs: 4_000, waveform: [0.1, 0.9, 0.4] },
    });
    const file = await arrived;
    expect(file.voice).toEqual({ durationMs: 4_000, waveform: [0.1, 0.9, 0.4] });
    expect(file.bytes).toEqual(pattern(30_000));
  });
  it('remembers a photo with its thumbnail and a voice note sent to a group, at the sender and every member', async () => {
    const alice = s.device('alice');
    const bob = s.device('bob');
    const carol = s.device('carol');
    await startAll(alice, bob, carol);
    const conversation = await alice.c.groups.create('trip', [bob.c.account, carol.c.account]);
    const groupId = conversation.slice('group:'.length);
    for (const member of [bob, carol])
      await until(async () => (await member.c.groups.get(groupId)) !== undefined, `${member.name} to join`);

    const thumbnail = pattern(800);
    const photoAt = [next(bob.c, 'file'), next(carol.c, 'file')];
    const photo = await alice.c.files.send(conversation, {
      name: 'summit.jpg',
      mimeType: 'image/jpeg',
      bytes: pattern(50_000),
      thumbnail,
      caption: 'at the top',
    });
    await Promise.all(photoAt);
    const photoInfo = {
      messageId: photo,
      name: 'summit.jpg',
      mimeType: 'image/jpeg',
      size: 50_000,
      caption: 'at the top',
      thumbnail,
      state: 'complete',
    };
    expect(await alice.c.files.info(photo)).toEqual({ ...photoInfo, direction: 'send' });
    for (const member of [bob, carol])
      expect(await member.c.files.info(photo)).toEqual({ ...photoInfo, direction: 'receive' });

    const voice = { durationMs: 2_500, waveform: [0.2, 0.8, 0.5, 0.1] };
    const noteAt = [next(alice.c, 'file'), next(carol.c, 'file')];
    const note = await bob.c.files.send(conversation, {
      name: 'voice.webm',
      mimeType: 'audio/webm',
      bytes: pattern(12_000),
      voice,
    });
    await Promise.all(noteAt);
    const noteInfo = { messageId: note, name: 'voice.webm', mimeType: 'audio/webm', size: 12_000, voice };
    expect(await bob.c.files.info(note)).toEqual({ ...noteInfo, direction: 'send', state: 'complete' });
    for (const member of [alice, carol]) {
      expect(await member.c.files.info(note)).toEqual({
        ...noteInfo,
        direction: 'receive',
        state: 'complete',
      });
      const [summary] = (await member.c.conversations.list()).filter(({ id }) => id === conversation);
      expect(summary?.lastMessage).toMatchObject({ messageId: note, kind: 'voice' });
    }
    const [own] = (await alice.c.conversations.list()).filter(({ id }) => id === conversation);
    expect(own?.lastMessage).toMatchObject({ messageId: note, kind: 'voice' });
    // Bob's own summary names his voice note too (recorded when he sent it).
    const [bobs] = (await bob.c.conversations.list()).filter(({ id }) => id === conversation);
    expect(bobs?.lastMessage).toMatchObject({ messageId: note, kind: 'voice' });
  });
});
