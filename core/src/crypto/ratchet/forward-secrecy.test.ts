import { describe, expect, it } from 'vitest';
import { nodeNativeBackend } from '../backend/native.node.js';
import { SessionCipher } from '../session/session-cipher.js';
import { InMemorySessionStore } from '../stores.js';
import { makeParty, read, text, type Party } from '../testing/parties.js';

/** An attacker who copied `victim`'s stored session with `peer` and runs it in their own cipher. */
async function stealState(victim: Party, peer: Party): Promise<SessionCipher> {
  const stolen = await victim.sessions.loadSession(peer.address);
  if (stolen === undefined) throw new Error('no session to steal');
  const sessions = new InMemorySessionStore();
  await sessions.storeSession(peer.address, stolen);
  return new SessionCipher(
    { sessions, identities: victim.identities, preKeys: victim.preKeys },
    { backend: nodeNativeBackend },
  );
}

async function pair(): Promise<[Party, Party]> {
  const alice = makeParty({ backend: nodeNativeBackend });
  const bob = makeParty({ backend: nodeNativeBackend });
  await alice.cipher.initiate(bob.address, bob.fetchBundle());
  return [alice, bob];
}

describe('forward secrecy', () => {
  it('a state captured after decryption cannot decrypt earlier ciphertexts', async () => {
    const [alice, bob] = await pair();
    const earlier: Uint8Array[] = [];
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < 3; i++) {
        const message = await alice.cipher.encrypt(bob.address, text(`a${round}.${i}`));
        earlier.push(message);
        await bob.cipher.decrypt(alice.address, message);
      }
      await alice.cipher.decrypt(bob.address, await bob.cipher.encrypt(alice.address, text(`b${round}`)));
    }
    const thief = await stealState(bob, alice);
    for (const message of earlier) {
      await expect(thief.decrypt(alice.address, message)).rejects.toThrow();
    }
    const stored = (await bob.sessions.loadSession(alice.address)) ?? '';
    expect(JSON.parse(stored).current.ratchet.skipped).toEqual([]);
  });

  it('keeps only the keys of messages not yet received, and deletes each once used', async () => {
    const [alice, bob] = await pair();
    const skipped = await alice.cipher.encrypt(bob.address, text('skipped'));
    await bob.cipher.decrypt(alice.address, await alice.cipher.encrypt(bob.address, text('second')));
    const count = async () =>
      JSON.parse((await bob.sessions.loadSession(alice.address)) ?? '').current.ratchet.skipped.length;
    expect(await count()).toBe(1);
    await bob.cipher.decrypt(alice.address, skipped);
    expect(await count()).toBe(0);
  });
});

describe('post-compromise security', () => {
  it('after a DH ratchet round trip, a leaked old state no longer decrypts new messages', async () => {
    const [alice, bob] = await pair();
    await bob.cipher.decrypt(alice.address, await alice.cipher.encrypt(bob.address, text('hello')));
    await alice.cipher.decrypt(bob.address, await bob.cipher.encrypt(alice.address, text('hi')));
    const thief = await stealState(alice, bob);

    // The thief reads what is still under the leaked keys…
    const beforeHealing = await bob.cipher.encrypt(alice.address, text('still readable'));
    expect(read((await thief.decrypt(bob.address, beforeHealing)).plaintext)).toBe('still readable');
    await alice.cipher.decrypt(bob.address, beforeHealing);

    // …until one round trip in which Alice's fresh ratchet key (made after the leak) is used heals it.
    await bob.cipher.decrypt(alice.address, await alice.cipher.encrypt(bob.address, text('heal')));
    const ack = await bob.cipher.encrypt(alice.address, text('ack'));
    await alice.cipher.decrypt(bob.address, ack);
    await thief.decrypt(bob.address, ack).catch(() => undefined); // give the thief every message it could use
    const fromAlice = await alice.cipher.encrypt(bob.address, text('secret from Alice'));
    expect(read((await bob.cipher.decrypt(alice.address, fromAlice)).plaintext)).toBe('secret from Alice');
    const fromBob = await bob.cipher.encrypt(alice.address, text('secret from Bob'));
    await expect(thief.decrypt(bob.address, fromBob)).rejects.toThrow();
    expect(read((await alice.cipher.decrypt(bob.address, fromBob)).plaintext)).toBe('secret from Bob');
  });
});
