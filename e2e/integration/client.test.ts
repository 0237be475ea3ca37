import {
  authChallengeMessage,
  formatContactLink,
  fromBase64Url,
  generateIdentity,
  identityString,
  parseIdentityString,
  relayHostOf,
  sign,
  toBase64Url,
} from '@parley/core';
import { io } from 'socket.io-client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FAST, next, scenario, startAll, until } from './support/harness.js';

const s = scenario();

/** A bare authenticated socket, for poking the relay the way another client would. */
async function rawRelayClient(url: string) {
  const identity = generateIdentity();
  const socket = io(url, { transports: ['websocket'], forceNew: true, reconnection: false });
  const challenge = await new Promise<{ nonce: string; relayKey: string }>((resolve) =>
    socket.once('auth:challenge', resolve),
  );
  const request = async (event: string, payload: unknown) => {
    const ack = (await socket.timeout(5_000).emitWithAck(event, payload)) as { ok: boolean };
    if (!ack.ok) throw new Error(`${event} refused: ${JSON.stringify(ack)}`);
    return ack;
  };
  await request('auth', {
    identity: toBase64Url(identity.identityKey),
    signature: toBase64Url(
      sign(
        identity,
        authChallengeMessage(
          fromBase64Url(challenge.nonce),
          identity.identityKey,
          fromBase64Url(challenge.relayKey),
          relayHostOf(url),
        ),
      ),
    ),
    relayHost: relayHostOf(url),
  });
  return { request, close: () => socket.close() };
}
beforeEach(s.setup);
afterEach(s.teardown);

describe('ParleyClient', () => {
  it('keeps its identity across restarts and adds contacts from parley:// links', async () => {
    const alice = s.device('alice');
    const first = await alice.start();
    const account = first.account;
    const link = first.profile.contactLink();
    expect(link).toMatch(/^parley:\/\/contact\?/);
    await alice.stop();
    const again = await alice.start();
    expect(again.account).toBe(account);

    const bob = s.device('bob');
    const bobClient = await bob.start();
    const contact = await bobClient.contacts.add(link);
    expect(contact).toMatchObject({ account, displayName: 'alice', deviceIds: [1] });
    await expect(bobClient.contacts.add(bobClient.profile.contactLink())).rejects.toMatchObject({
      code: 'BAD_REQUEST',
    });
  });

  it('reports a message as failed, with the reason, once retries are exhausted', async () => {
    const alice = s.device('alice', { tuning: { retry: { ...FAST.retry!, maxAttempts: 3 } } });
    await alice.start();
    await until(() => alice.c.connected, 'alice to connect');
    // Someone who never registered with this relay: there are no prekeys to start a session with.
    const stranger = identityString(generateIdentity().identityKey);
    await alice.c.contacts.add(
      formatContactLink({ account: stranger, relayUrl: s.relay().url, displayName: 'nobody' }),
    );
    const failed = next(alice.c, 'message-state', (event) => event.state === 'failed');
    const sent = await alice.c.messages.send(alice.c.conversations.direct(stranger), 'hello?');
    const event = await failed;
    expect(event.messageId).toBe(sent.id);
    expect(event.reason).toMatch(/gave up after 3 attempts: NOT_FOUND/);
  });

  it('publishes more one-time prekeys when the relay says it is running low', async () => {
    const alice = s.device('alice');
    await alice.start();
    await until(() => alice.c.connected, 'alice to connect');
    const before = (await alice.c.db.preKeys.oneTimePreKeyIds()).length;
    // Someone fetches Alice's bundle 85 times: the relay hands out 85 of her 100 one-time prekeys.
    const stranger = await rawRelayClient(s.relay().url);
    try {
      const identity = toBase64Url(parseIdentityString(alice.c.account));
      for (let i = 0; i < 85; i++) await stranger.request('prekeys:fetch', { identity });
    } finally {
      stranger.close();
    }
    await until(async () => (await alice.c.db.preKeys.oneTimePreKeyIds()).length > before, 'a new batch');
  });

  it('shares typing and presence with contacts, and resolves usernames', async () => {
    const alice = s.device('alice');
    const bob = s.device('bob');
    await startAll(alice, bob);
    await alice.c.settings.setPresenceVisibility();
    const states = await bob.c.presence.subscribe([alice.c.account]);
    expect(states).toEqual([expect.objectContaining({ account: alice.c.account, online: true })]);

    const typing = next(bob.c, 'typing');
    await alice.c.presence.setTyping(bob.c.account, true);
    expect(await typing).toEqual({ account: alice.c.account, typing: true });

    await alice.c.profile.setUsername('alice_climbs');
    expect(await bob.c.contacts.resolveUsername('Alice_Climbs')).toBe(alice.c.account);
  });

  it('keeps working when an application listener throws', async () => {
    const alice = s.device('alice');
    const bob = s.device('bob');
    await startAll(alice, bob);
    const thrown: unknown[] = [];
    const onUncaught = (error: unknown) => thrown.push(error);
    process.on('uncaughtException', onUncaught);
    try {
      bob.c.on('message', () => {
        throw new Error('buggy listener');
      });
      const conversation = alice.c.conversations.direct(bob.c.account);
      const first = next(bob.c, 'message');
      await alice.c.messages.send(conversation, 'one');
      await first;
      const second = next(bob.c, 'message');
      await alice.c.messages.send(conversation, 'two');
      expect((await second).message.text).toBe('two');
      await until(() => thrown.length === 2, 'both listener errors reported');
    } finally {
      process.off('uncaughtException', onUncaught);
    }
  });
});
