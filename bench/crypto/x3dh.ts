import { nodeNativeBackend } from '../../core/src/crypto/backend/native.node.js';
import { tweetnaclBackend } from '../../core/src/crypto/backend/tweetnacl.js';
import { makeParty } from '../../core/src/crypto/testing/parties.js';
import { heading, isMain, line, rate, rates } from './lib.node.js';

const SECONDS = 1.5;
const PAYLOAD = new Uint8Array(100);

/**
 * One set-up = Alice verifies Bob's bundle (two strict Ed25519 verifications) and runs X3DH, Bob verifies
 * Alice's identity and runs X3DH from her first message, which he then decrypts. Bundles are made up front.
 */
export async function runX3dhBench(): Promise<void> {
  heading('X3DH session set-up (strict bundle verification, X3DH on both sides, first message decrypted)');
  for (const backend of [tweetnaclBackend, nodeNativeBackend]) {
    const bob = makeParty({ backend, oneTimePreKeys: 0 });
    const alices = Array.from({ length: 64 }, () => makeParty({ backend }));
    let i = 0;
    const perSecond = await rate(
      SECONDS,
      async () => {
        const alice = alices[i++ % alices.length];
        if (!alice) return;
        await alice.cipher.initiate(bob.address, bob.fetchBundle());
        await bob.cipher.decrypt(alice.address, await alice.cipher.encrypt(bob.address, PAYLOAD));
      },
      3,
    );
    line(`X3DH session set-ups [${backend.name}]: ${rates(perSecond, '/s')}`);
  }
}

if (isMain(import.meta.url)) await runX3dhBench();
