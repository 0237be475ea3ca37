import { nodeNativeBackend } from '../../core/src/crypto/backend/native.node.js';
import { tweetnaclBackend } from '../../core/src/crypto/backend/tweetnacl.js';
import type { CryptoBackend } from '../../core/src/crypto/backend/backend.js';
import { makeParty } from '../../core/src/crypto/testing/parties.js';
import { heading, isMain, line, rate, rates } from './lib.node.js';

const SECONDS = 1.5;
const PAYLOAD = new Uint8Array(100).fill(42);

async function conversation(backend: CryptoBackend) {
  const alice = makeParty({ backend });
  const bob = makeParty({ backend });
  await alice.cipher.initiate(bob.address, bob.fetchBundle());
  await bob.cipher.decrypt(alice.address, await alice.cipher.encrypt(bob.address, PAYLOAD));
  await alice.cipher.decrypt(bob.address, await bob.cipher.encrypt(alice.address, PAYLOAD));
  return { alice, bob };
}

/**
 * Full SessionCipher round trips with in-memory stores (so every call also parses and re-serialises the
 * session record, as a real store would). "stream": one side keeps sending (symmetric ratchet only);
 * "ping-pong": the sender alternates, so every message is a DH ratchet step (two X25519 per side).
 */
export async function runRatchetBench(): Promise<void> {
  heading('Double Ratchet (100-byte messages, SessionCipher with in-memory stores)');
  for (const backend of [tweetnaclBackend, nodeNativeBackend]) {
    const stream = await conversation(backend);
    const streamRate = await rate(SECONDS, async () => {
      const message = await stream.alice.cipher.encrypt(stream.bob.address, PAYLOAD);
      await stream.bob.cipher.decrypt(stream.alice.address, message);
    });
    const pingPong = await conversation(backend);
    let turn = 0;
    const pingPongRate = await rate(SECONDS, async () => {
      const [from, to] = turn++ % 2 === 0 ? [pingPong.alice, pingPong.bob] : [pingPong.bob, pingPong.alice];
      await to.cipher.decrypt(from.address, await from.cipher.encrypt(to.address, PAYLOAD));
    });
    const target = backend === tweetnaclBackend ? ' (target ≥ 2,000)' : '';
    line(`ratchet encrypt+decrypt [${backend.name}], stream: ${rates(streamRate, 'msg/s')}${target}`);
    line(
      `ratchet encrypt+decrypt [${backend.name}], ping-pong (DH step every message): ${rates(pingPongRate, 'msg/s')}`,
    );
  }
}

if (isMain(import.meta.url)) await runRatchetBench();
