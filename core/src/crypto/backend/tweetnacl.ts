import nacl from 'tweetnacl';
import type { CryptoBackend } from './backend.js';

/** The portable default: pure JavaScript, identical in Node, browsers and Electron renderers. */
export const tweetnaclBackend: CryptoBackend = {
  name: 'tweetnacl',
  sha512: (data) => nacl.hash(data),
  ed25519Verify: (message, signature, publicKey) => nacl.sign.detached.verify(message, signature, publicKey),
  x25519: (secretKey, publicKey) => nacl.scalarMult(secretKey, publicKey),
  x25519Base: (secretKey) => nacl.scalarMult.base(secretKey),
  secretbox: (message, nonce, key) => nacl.secretbox(message, nonce, key),
  secretboxInto(out, message, nonce, key) {
    if (out.length !== message.length + 16)
      throw new RangeError('out must be the message length plus its tag');
    // tweetnacl has no API into a caller's memory: the box is made, then copied.
    out.set(nacl.secretbox(message, nonce, key));
  },
  secretboxOpen: (box, nonce, key) => nacl.secretbox.open(box, nonce, key),
  secretboxOpenInto(out, box, nonce, key) {
    if (out.length !== box.length - 16) throw new RangeError('out must be the box length minus its tag');
    const plaintext = nacl.secretbox.open(box, nonce, key);
    if (!plaintext) return false;
    out.set(plaintext);
    return true;
  },
};
