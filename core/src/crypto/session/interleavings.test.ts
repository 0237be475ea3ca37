import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isParleyError } from '../../errors/index.js';
import { nodeNativeBackend } from '../backend/native.node.js';
import { makeParty, read, text, type Party } from '../testing/parties.js';

interface InFlight {
  from: Party;
  to: Party;
  bytes: Uint8Array;
  plaintext: string;
  delivered: boolean;
}

const action = fc.record({
  kind: fc.constantFrom('sendA', 'sendB', 'deliver', 'deliver', 'duplicate', 'drop', 'forge'),
  pick: fc.nat(),
});

describe('two parties over a network that drops, duplicates and reorders', () => {
  it('decrypts every delivered message to what was sent, exactly once, and nothing else', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(action, { maxLength: 60 }), async (actions) => {
        const alice = makeParty({ backend: nodeNativeBackend });
        const bob = makeParty({ backend: nodeNativeBackend });
        await alice.cipher.initiate(bob.address, bob.fetchBundle());
        const pending: InFlight[] = [];
        const sent: InFlight[] = [];
        let counter = 0;

        for (const { kind, pick } of actions) {
          if (kind === 'sendA' || kind === 'sendB') {
            const [from, to] = kind === 'sendA' ? [alice, bob] : [bob, alice];
            if (!(await from.cipher.hasSession(to.address))) continue;
            const plaintext = `${kind}-${counter++}`;
            let bytes: Uint8Array;
            try {
              bytes = await from.cipher.encrypt(to.address, text(plaintext));
            } catch (error) {
              // Bob cannot send before Alice's first message reached him.
              expect(isParleyError(error, 'SESSION_NOT_FOUND')).toBe(true);
              continue;
            }
            const message = { from, to, bytes, plaintext, delivered: false };
            pending.push(message);
            sent.push(message);
          } else if (kind === 'deliver' && pending.length > 0) {
            const [message] = pending.splice(pick % pending.length, 1);
            if (!message) continue;
            const result = await message.to.cipher.decrypt(message.from.address, message.bytes);
            expect(read(result.plaintext)).toBe(message.plaintext);
            message.delivered = true;
          } else if (kind === 'drop' && pending.length > 0) {
            pending.splice(pick % pending.length, 1);
          } else if (kind === 'duplicate') {
            const delivered = sent.filter((message) => message.delivered);
            const message = delivered[pick % Math.max(1, delivered.length)];
            if (!message) continue;
            await expect(message.to.cipher.decrypt(message.from.address, message.bytes)).rejects.toThrow(
              expect.objectContaining({ code: 'DUPLICATE_MESSAGE' }),
            );
          } else if (kind === 'forge' && sent.length > 0) {
            const message = sent[pick % sent.length];
            if (!message) continue;
            const forged = message.bytes.slice();
            const index = pick % forged.length;
            forged[index] = (forged[index] ?? 0) ^ (1 << (pick % 8));
            await expect(message.to.cipher.decrypt(message.from.address, forged)).rejects.toThrow();
            // Sent back to its own sender, it decrypts under no session either.
            await expect(message.from.cipher.decrypt(message.to.address, message.bytes)).rejects.toThrow();
          }
        }
        // Whatever is still in flight arrives at the end, in the order the network chose.
        for (const message of pending) {
          const result = await message.to.cipher.decrypt(message.from.address, message.bytes);
          expect(read(result.plaintext)).toBe(message.plaintext);
        }
      }),
      { numRuns: 60 },
    );
  });
});
