import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  acceptProof,
  parseIdentityString,
  decodeClear,
  encodeClear,
  fromBase64Url,
  toBase64Url,
  transcriptHash,
  transcriptOf,
  tweetnaclBackend,
  type AcceptMessage,
  type ClearMessage,
  type HelloMessage,
  type LinkEvents,
  type LinkJoin,
  type LinkOffer,
  type ParleyClient,
  type ParleyError,
} from '@parley/core';
import { RelayInTheMiddle } from './support/relay-in-the-middle.js';
import { scenario, startAll, until } from './support/harness.js';

// Opens WebRTC: run inside `unshare -rn sh -c 'ip link set lo up && npx vitest run e2e/integration/device-linking.test.ts'`.

const s = scenario();
beforeEach(s.setup);
afterEach(s.teardown);

type Emitter = LinkOffer | LinkJoin;

function once<K extends keyof LinkEvents & string>(emitter: Emitter, event: K): Promise<LinkEvents[K]> {
  return new Promise((resolve) => {
    const off = emitter.on(event, (payload: LinkEvents[K]) => {
      off();
      resolve(payload);
    });
  });
}

async function texts(client: ParleyClient, conversationId: string): Promise<string[]> {
  const page = await client.messages.page(conversationId, { limit: 1000 });
  return page.messages.map((message) => message.text).reverse();
}

async function newDevice(name: string): Promise<ParleyClient> {
  const device = s.device(name);
  const client = await device.start();
  await until(() => client.connected, `${name} to connect`);
  return client;
}

describe('linking a new device', () => {
  it('links a new device once both screens show the same short code, lists it and moves the history', async () => {
    const alice = s.device('alice');
    const bob = s.device('bob');
    await startAll(alice, bob);
    const toBob = alice.c.conversations.direct(bob.c.account);
    await alice.c.messages.send(toBob, 'hello bob');
    await until(async () => (await texts(bob.c, bob.c.conversations.direct(alice.c.account))).length === 1);
    await bob.c.messages.send(bob.c.conversations.direct(alice.c.account), 'hi alice');
    await until(async () => (await texts(alice.c, toBob)).length === 2, 'the reply');

    const laptop = await newDevice('alice-laptop');
    const offer = alice.c.linking.offer();
    const hostCode = once(offer, 'code');
    const join = await laptop.linking.join(offer.text);
    const joinCode = await once(join, 'code');
    expect((await hostCode).shortCode).toBe(joinCode.shortCode);
    expect(joinCode.shortCode).toMatch(/^\d{3} \d{3}$/);

    const linked = once(join, 'linked');
    const done = once(join, 'done');
    expect(await offer.confirm()).toBe(2);
    expect(await linked).toMatchObject({ account: alice.c.account, deviceId: 2 });
    expect(await done).toEqual({ messages: 2 });
    expect(await texts(laptop, toBob)).toEqual(['hello bob', 'hi alice']);
    expect((await laptop.contacts.list()).map((contact) => contact.account)).toContain(bob.c.account);
    expect(await laptop.linking.linkedAccount()).toMatchObject({ account: alice.c.account, deviceId: 2 });

    // The relay holds the new list, signed by the account: anyone fetching it sees two devices.
    const relay = s.relay();
    const stored = await relay.store.directory.deviceList(offer.payload.account);
    expect(stored?.devices.map((device) => device.deviceId)).toEqual([1, 2]);
  });

  it('refuses a payload that was used once already', async () => {
    const alice = s.device('alice');
    await alice.start();
    const laptop = await newDevice('alice-laptop');
    const other = await newDevice('someone-else');
    await until(() => alice.c.connected);
    const offer = alice.c.linking.offer();
    const first = await laptop.linking.join(offer.text);
    await once(first, 'code');
    const second = await other.linking.join(offer.text);
    const error = (await once(second, 'error')) as ParleyError;
    expect(error.code).toBe('CONFLICT');
    expect(await other.linking.linkedAccount()).toBeUndefined();
  });

  it('refuses an expired payload, and one altered by whoever passed it on', async () => {
    let now = Date.now();
    const alice = s.device('alice', { now: () => now });
    await alice.start();
    const laptop = await newDevice('alice-laptop');
    await until(() => alice.c.connected);

    const altered = alice.c.linking.offer();
    const wrongSecret = altered.text.replace(/secret=[^&]+/, `secret=${'A'.repeat(43)}`);
    const forged = await laptop.linking.join(wrongSecret);
    expect(((await once(forged, 'error')) as ParleyError).code).toBe('DECRYPT_FAILED');
    expect(altered.phase).toBe('waiting');

    // The new device's clock still says the payload is good; the existing device's says it is not.
    const offer = alice.c.linking.offer();
    now += 11 * 60 * 1000;
    const late = await laptop.linking.join(offer.text);
    expect(((await once(late, 'error')) as ParleyError).code).toBe('CHALLENGE_EXPIRED');
    expect(await laptop.linking.linkedAccount()).toBeUndefined();
  });

  it('gives a new device nothing until the existing device confirms, and nothing when it declines', async () => {
    const alice = s.device('alice');
    const bob = s.device('bob');
    await startAll(alice, bob);
    await alice.c.messages.send(alice.c.conversations.direct(bob.c.account), 'private');
    const laptop = await newDevice('alice-laptop');
    const offer = alice.c.linking.offer();
    const join = await laptop.linking.join(offer.text);
    await once(join, 'code');
    await once(offer, 'code');

    expect(await laptop.linking.linkedAccount()).toBeUndefined();
    expect(await laptop.conversations.list()).toEqual([]);
    const told = once(join, 'error');
    offer.decline();
    expect(((await told) as ParleyError).code).toBe('ACCESS_DENIED');
    expect(join.phase).toBe('declined');
    expect(await laptop.linking.linkedAccount()).toBeUndefined();
    expect(await laptop.conversations.list()).toEqual([]);
    expect(await laptop.contacts.list()).toEqual([]);
    await expect(offer.confirm()).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    expect(await s.relay().store.directory.deviceList(offer.payload.account)).toBeNull();
  });
});

interface WireSignal {
  from: string;
  linkId: string;
  kind: string;
  data: { sealed?: string };
}

/** The handshake message a device-link signal carries in clear, if it is one. */
function clearIn(payload: unknown): ClearMessage | undefined {
  const signal = payload as WireSignal;
  if (signal.kind !== 'device-link' || signal.data.sealed === undefined) return undefined;
  return decodeClear(fromBase64Url(signal.data.sealed));
}

const m = scenario();
afterEach(m.teardown);

describe('linking through a relay in the middle', () => {
  it('shows different short codes when the relay, holding a leaked payload, puts itself between the devices', async () => {
    let intercepted: HelloMessage | undefined;
    let operatorIdentity = '';
    // The relay's operator runs its front end (the relay lists it as its public URL) and sees every event.
    const middle = await RelayInTheMiddle.start(() => m.relay().url, {
      up: (event, payload) => {
        const clear = event === 'signal' ? clearIn(payload) : undefined;
        if (clear?.t !== 'hello' || intercepted !== undefined) return payload;
        intercepted = clear;
        // The laptop's hello never reaches Alice's device: the relay hands it to its operator's instead.
        return { ...(payload as WireSignal), to: operatorIdentity };
      },
    });
    await m.setupWith({ publicUrls: [middle.url] });
    const alice = m.device('alice', { relayUrl: middle.url });
    await alice.start();
    try {
      const laptop = await m.device('alice-laptop', { relayUrl: middle.url }).start();
      const malloryDevice = m.device('mallory', { relayUrl: middle.url });
      const mallory = await malloryDevice.start();
      operatorIdentity = toBase64Url(parseIdentityString(mallory.account));
      await until(() => alice.c.connected && laptop.connected && mallory.connected, 'all to connect');
      // The operator's own device: where Alice's answer to it arrives.
      let answer: AcceptMessage | undefined;
      malloryDevice.sockets.get(middle.url)?.on('signal', (payload: unknown) => {
        const clear = clearIn(payload);
        if (clear?.t === 'accept') answer = clear;
      });

      const offer = alice.c.linking.offer();
      const aliceCode = once(offer, 'code');
      const laptopJoin = await laptop.linking.join(offer.text);
      await until(() => intercepted !== undefined, 'the laptop hello to be caught');

      // The relay links its own device with the payload it saw; Alice's screen shows that device's code.
      const malloryJoin = await mallory.linking.join(offer.text);
      const shown = await aliceCode;
      await until(() => answer !== undefined, "Alice's answer");

      // It answers the laptop in Alice's name: her revealed nonce, and a proof the leaked secret lets it make.
      const payload = offer.payload;
      const hello = intercepted as HelloMessage; // set: waited for above
      const nonce = (answer as AcceptMessage).nonce;
      const th = transcriptHash(
        tweetnaclBackend,
        transcriptOf('link', payload.id, payload.account, payload.host, hello, fromBase64Url(payload.commit)),
      );
      const proof = acceptProof(
        tweetnaclBackend,
        fromBase64Url(payload.secret),
        th,
        fromBase64Url(nonce),
        fromBase64Url(payload.key),
      );
      const laptopCode = once(laptopJoin, 'code');
      laptop.linking.handleSignal({
        from: payload.host,
        linkId: payload.id,
        kind: 'device-link',
        data: { sealed: toBase64Url(encodeClear({ t: 'accept', nonce, proof: toBase64Url(proof) })) },
      });
      expect((await laptopCode).shortCode).not.toBe(shown.shortCode);

      // The person sees two different codes and declines: neither device gets anything.
      offer.decline();
      await until(() => malloryJoin.phase === 'declined', 'the attacker to be told');
      expect(await mallory.linking.linkedAccount()).toBeUndefined();
      expect(await laptop.linking.linkedAccount()).toBeUndefined();
    } finally {
      await middle.close();
    }
  });
});
