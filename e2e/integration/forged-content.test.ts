import { randomBytes } from 'node:crypto';
import { toBase64Url, type FileSink } from '@parley/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { groupOf, next, scenario, startAll, until, type TestDevice } from './support/harness.js';
import { deposit, replayedDistribution, sendForged, signedGroupState } from './support/malicious-peer.js';

/*
 * Issue 9: what a peer running a modified client can send. Every test performs the attack through the real
 * relay with a peer that seals its own content (support/malicious-peer.ts); only the victim's engine defends.
 */

const s = scenario();
beforeEach(s.setup);
afterEach(s.teardown);

const hex = () => randomBytes(16).toString('hex');
/** A message id in `device`'s namespace: its account's first 20 characters, then 32 random hex digits. */
const idOf = (device: TestDevice) => `${device.c.account.slice(0, 20)}${hex()}`;
let counter = 1_000_000;
const content = (
  from: TestDevice,
  body: Record<string, unknown>,
  extra: { groupId?: string; id?: string; sentAt?: number } = {},
) => ({
  id: extra.id ?? idOf(from),
  sentAt: extra.sentAt ?? Date.now(),
  counter: counter++,
  ...(extra.groupId === undefined ? {} : { groupId: extra.groupId }),
  body,
});

/** Mallory's next honest message to `to` has arrived there: everything she deposited before was handled. */
async function settled(mallory: TestDevice, to: TestDevice): Promise<void> {
  const marker = `marker ${hex()}`;
  const seen = next(to.c, 'message', ({ message }) => message.text === marker);
  await mallory.c.messages.send(mallory.c.conversations.direct(to.c.account), marker);
  await seen;
}

describe('one-to-one content cannot speak for a group (issue 9, item 3)', () => {
  it('files nothing in a group from a pairwise message that names it, and leaves its timer alone', async () => {
    const alice = s.device('alice', { direct: false });
    const bob = s.device('bob', { direct: false });
    const mallory = s.device('mallory', { direct: false });
    await startAll(alice, bob, mallory);
    const groupId = await groupOf(alice, 'family', [bob]);
    await settled(mallory, alice);
    await sendForged(
      mallory,
      alice.c.account,
      content(mallory, { type: 'text', text: 'I am Carol' }, { groupId }),
    );
    await sendForged(
      mallory,
      alice.c.account,
      content(mallory, { type: 'timer', expiresInMs: 1000 }, { groupId }),
    );
    await settled(mallory, alice);
    const page = await alice.c.messages.page(`group:${groupId}`);
    expect(page.messages.map((message) => message.text)).not.toContain('I am Carol');
    expect(await alice.c.conversations.disappearingTimer(`group:${groupId}`)).toBeNull();
  });

  it("cannot pre-empt another sender's message id", async () => {
    const alice = s.device('alice', { direct: false });
    const bob = s.device('bob', { direct: false });
    const mallory = s.device('mallory', { direct: false });
    await startAll(alice, bob, mallory);
    await settled(mallory, alice);
    await settled(bob, alice);
    const bobsId = idOf(bob);
    await sendForged(
      mallory,
      alice.c.account,
      content(mallory, { type: 'text', text: 'first!' }, { id: bobsId }),
    );
    const fromBob = next(alice.c, 'message', ({ message }) => message.id === bobsId);
    await sendForged(
      bob,
      alice.c.account,
      content(bob, { type: 'text', text: 'the real one' }, { id: bobsId }),
    );
    const { message } = await fromBob;
    expect(message).toMatchObject({ text: 'the real one', sender: { name: bob.c.account } });
  });
});

describe('files (issue 12, item 12)', () => {
  it("cannot stop someone else's file by withdrawing it", async () => {
    // Bob's sink holds its first write until Mallory has spoken, so the transfer is under way meanwhile.
    let release = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    const chunks: Uint8Array[] = [];
    const sink: FileSink = {
      write: async (_offset, bytes) => {
        await held;
        chunks.push(bytes.slice());
      },
      finish: async () => {},
      abort: async () => {},
    };
    const alice = s.device('alice');
    const bob = s.device('bob', { fileSink: () => sink });
    const mallory = s.device('mallory');
    await startAll(alice, bob, mallory);
    await settled(mallory, bob);
    const failures: string[] = [];
    bob.c.on('file-failed', ({ reason }) => failures.push(reason));
    const offered = next(bob.c, 'file-offered');
    const messageId = await alice.c.files.send(alice.c.conversations.direct(bob.c.account), {
      name: 'plan.bin',
      mimeType: 'application/octet-stream',
      bytes: new Uint8Array(512 * 1024).fill(7),
    });
    await offered;

    await sendForged(
      mallory,
      bob.c.account,
      content(mallory, { type: 'file-withdrawn', target: messageId, reason: 'gone' }),
    );
    await settled(mallory, bob);
    release();
    const file = await next(bob.c, 'file', (event) => event.messageId === messageId);
    expect(file.size).toBe(512 * 1024);
    expect(failures).toEqual([]);
  });
});

describe('group state and sender keys (issue 9, item 8)', () => {
  it('takes the first state of a group from the admin it joined through, not a stranger with a huge version', async () => {
    const alice = s.device('alice', { direct: false });
    const bob = s.device('bob', { direct: false });
    const carol = s.device('carol', { direct: false });
    const mallory = s.device('mallory', { direct: false });
    await startAll(alice, bob, carol, mallory);
    const groupId = await groupOf(alice, 'family', [bob]);
    const link = await alice.c.groups.inviteLink(groupId);
    // Mallory saw the link: she seeds Carol with a state of her own making.
    const forged = await signedGroupState(mallory, {
      groupId,
      version: 1_000_000_000,
      name: 'family',
      members: [mallory.c.account, carol.c.account],
      admins: [mallory.c.account],
      inviteToken: 'x',
    });
    await settled(mallory, carol);
    await sendForged(mallory, carol.c.account, content(mallory, { type: 'group-state', ...forged }));
    await settled(mallory, carol);
    const joined = next(carol.c, 'group', ({ state }) => state.admins.includes(alice.c.account));
    await carol.c.groups.join(link);
    const { state } = await joined;
    expect(state.members).toEqual(expect.arrayContaining([alice.c.account, bob.c.account, carol.c.account]));
    expect((await carol.c.groups.get(groupId))?.admins).toEqual([alice.c.account]);
  });

  it("refuses a member's sender key that is another member's signing key, so messages stay attributed", async () => {
    const alice = s.device('alice', { direct: false });
    const carol = s.device('carol', { direct: false });
    const mallory = s.device('mallory', { direct: false });
    await startAll(alice, carol, mallory);
    const groupId = await groupOf(alice, 'family', [carol, mallory]);
    const warmUp = next(mallory.c, 'message', ({ message }) => message.text === 'hello');
    const alsoAlice = next(alice.c, 'message', ({ message }) => message.text === 'hello');
    await carol.c.messages.send(`group:${groupId}`, 'hello');
    await Promise.all([warmUp, alsoAlice]);
    const stolen = await replayedDistribution(mallory, groupId, carol.c.account);
    await settled(mallory, alice);
    await sendForged(
      mallory,
      alice.c.account,
      content(mallory, { type: 'sender-key', groupId, distribution: stolen }),
    );
    await settled(mallory, alice);
    const got = next(alice.c, 'message', ({ message }) => message.text === 'signed by carol');
    await carol.c.messages.send(`group:${groupId}`, 'signed by carol');
    expect((await got).message.sender.name).toBe(carol.c.account);
  });

  it('acks a group blob whose tag nobody knows once a bounded wait is over, so the relay stops resending it', async () => {
    let clock = Date.now();
    const alice = s.device('alice', { direct: false, now: () => clock });
    const mallory = s.device('mallory', { direct: false });
    await startAll(alice, mallory);
    const aliceRelayId = toBase64Url(
      await alice.c.db.identities.getLocalIdentity().then((id) => id.identityKey),
    );
    const blob = new Uint8Array(1 + 16 + 200);
    blob[0] = 3; // a sealed group message
    blob.set(randomBytes(16 + 200), 1);
    await deposit(mallory, [alice.c.account], blob);
    await settled(mallory, alice);
    const held = async () =>
      (await s.relay().store.blobs.pending(aliceRelayId, 100)).some((pending) => pending.payload[0] === 3);
    expect(await held()).toBe(true);
    clock += 8 * 24 * 60 * 60 * 1000;
    await settled(mallory, alice);
    await until(async () => !(await held()), 'the relay to forget it');
  });
});

describe('what is shown of names and times (issue 9, item 8)', () => {
  it('strips bidirectional overrides and invisible characters from display, group and file names', async () => {
    const alice = s.device('alice', { direct: false });
    const mallory = s.device('mallory', { direct: false });
    await startAll(alice, mallory);
    const tricky = 'Bob\u202Egnp.exe\u200B\u2066';
    const renamed = next(alice.c, 'contact-updated', (contact) => contact.account === mallory.c.account);
    await mallory.c.profile.set({ displayName: tricky });
    expect((await renamed).displayName).toBe('Bobgnp.exe');
    const conversation = await mallory.c.groups.create(`Family\u202Eevil`, [alice.c.account]);
    const groupId = conversation.slice('group:'.length);
    await until(async () => (await alice.c.groups.get(groupId)) !== undefined, 'alice to learn the group');
    // The group's state is stored before its conversation row: wait for the row the chat list shows too.
    const listed = async () => (await alice.c.conversations.list()).some(({ id }) => id === conversation);
    await until(listed, 'alice to list the group');
    expect((await alice.c.conversations.get(conversation)).title).toBe('Familyevil');
    const file = next(alice.c, 'message', ({ message }) => message.attachmentIds !== undefined);
    await mallory.c.files.send(mallory.c.conversations.direct(alice.c.account), {
      name: 'invoice\u202Efdp.exe',
      mimeType: 'application/octet-stream',
      bytes: new Uint8Array([1, 2, 3]),
    });
    const { message } = await file;
    expect((await alice.c.files.info(message.id))?.name).toBe('invoicefdp.exe');
  });

  it("clamps a sender's sentAt to when the message could have been sent", async () => {
    const alice = s.device('alice', { direct: false });
    const mallory = s.device('mallory', { direct: false });
    await startAll(alice, mallory);
    await settled(mallory, alice);
    const future = Date.now() + 10 * 365 * 24 * 60 * 60 * 1000;
    const got = next(alice.c, 'message', ({ message }) => message.text === 'from the future');
    await sendForged(
      mallory,
      alice.c.account,
      content(mallory, { type: 'text', text: 'from the future' }, { sentAt: future }),
    );
    const { message } = await got;
    expect(message.sentAt).toBeLessThanOrEqual(message.receivedAt);
  });
});
