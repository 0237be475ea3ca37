import nacl from 'tweetnacl';
import { describe, expect, it } from 'vitest';
import { tweetnaclBackend as backend } from '../../../crypto/index.js';
import { fromBase64Url, toBase64Url } from '../../../protocol/encoding.js';
import { ChannelCipher } from './channel-cipher.js';
import {
  acceptProof,
  deriveKeys,
  makeHello,
  newOfferSecrets,
  transcriptOf,
  verifyAccept,
  verifyHello,
} from './handshake.js';
import { formatLinkPayload, parseLinkPayload, type LinkPayload } from './payload.js';

const randomBytes = (length: number) => nacl.randomBytes(length);
const key = () => toBase64Url(nacl.sign.keyPair().publicKey);

function offer(now: number) {
  const secrets = newOfferSecrets(backend, randomBytes);
  const payload: LinkPayload = {
    v: 1,
    relay: 'https://relay.example',
    account: key(),
    host: key(),
    id: secrets.id,
    key: secrets.key,
    secret: toBase64Url(secrets.secret),
    commit: secrets.commit,
    expires: now + 60_000,
  };
  return { secrets, payload };
}

describe('device-link payload', () => {
  it('reads back what it wrote, and refuses other links, repeated fields and expired payloads', () => {
    const { payload } = offer(1_000);
    const text = formatLinkPayload(payload);
    expect(parseLinkPayload(text, 1_000)).toEqual(payload);
    expect(() => parseLinkPayload(text.replace('link?', 'contact?'), 1_000)).toThrow(/not a Parley/);
    expect(() => parseLinkPayload(`${text}&id=${payload.id}`, 1_000)).toThrow(/twice/);
    expect(() => parseLinkPayload(text.replace(/key=[^&]+/, 'key=short'), 1_000)).toThrow(/key/);
    expect(() => parseLinkPayload(text, payload.expires)).toThrow(
      expect.objectContaining({ code: 'CHALLENGE_EXPIRED' }),
    );
  });
});

describe('device-link handshake', () => {
  it('gives both sides the same keys and short code, and refuses a hello or answer made without the payload', () => {
    const { secrets, payload } = offer(0);
    const device = nacl.sign.keyPair();
    const target = { mode: 'link' as const, id: payload.id, account: payload.account, host: payload.host };
    const commit = fromBase64Url(payload.commit);
    const made = makeHello(
      backend,
      randomBytes,
      { identityKey: device.publicKey, signingSecretKey: device.secretKey },
      {
        ...target,
        secret: secrets.secret,
        commit,
      },
    );
    const transcript = transcriptOf('link', payload.id, payload.account, payload.host, made.hello, commit);
    const th = verifyHello(backend, made.hello, transcript, secrets.secret);
    expect(() => verifyHello(backend, made.hello, transcript, randomBytes(32))).toThrow(
      expect.objectContaining({ code: 'DECRYPT_FAILED' }),
    );
    const hostKey = fromBase64Url(payload.key);
    const proof = acceptProof(backend, secrets.secret, th, secrets.nonce, hostKey);
    const accept = { t: 'accept' as const, nonce: toBase64Url(secrets.nonce), proof: toBase64Url(proof) };
    const nonce = verifyAccept(backend, accept, secrets.secret, made.transcript, hostKey, commit);
    // Another nonce than the payload committed to: refused even with a proof made from the secret.
    const other = randomBytes(32);
    const forged = {
      ...accept,
      nonce: toBase64Url(other),
      proof: toBase64Url(acceptProof(backend, secrets.secret, th, other, hostKey)),
    };
    expect(() => verifyAccept(backend, forged, secrets.secret, made.transcript, hostKey, commit)).toThrow(
      expect.objectContaining({ code: 'DECRYPT_FAILED' }),
    );
    const host = deriveKeys(
      backend,
      backend.x25519(secrets.ephemeralSecret, fromBase64Url(made.hello.key)),
      secrets.secret,
      th,
      hostKey,
      secrets.nonce,
    );
    const joiner = deriveKeys(
      backend,
      backend.x25519(made.ephemeralSecret, hostKey),
      secrets.secret,
      made.transcript,
      hostKey,
      nonce,
    );
    expect(joiner).toEqual(host);
    expect(host.shortCode).toMatch(/^\d{3} \d{3}$/);
  });
});

describe('device-link channel cipher', () => {
  it('opens frames in order and refuses a replayed, skipped or altered one', () => {
    const secret = randomBytes(32);
    const sender = new ChannelCipher(backend, secret);
    const receiver = new ChannelCipher(backend, secret);
    const first = sender.seal('relay', new Uint8Array([1]));
    const second = sender.seal('relay', new Uint8Array([2]));
    const third = sender.seal('relay', new Uint8Array([3]));
    expect(receiver.open('relay', first)).toEqual(new Uint8Array([1]));
    expect(() => receiver.open('relay', first)).toThrow(/out of order/);
    expect(() => receiver.open('relay', third)).toThrow(/out of order/);
    const altered = second.slice();
    altered[altered.length - 1] = (altered[altered.length - 1] ?? 0) ^ 1;
    expect(() => receiver.open('relay', altered)).toThrow(/did not open/);
    expect(receiver.open('relay', second)).toEqual(new Uint8Array([2]));
    // The direct path counts on its own: its first frame is 0 again, under another nonce.
    expect(() => receiver.open('direct', third)).toThrow(/did not open|out of order/);
  });
});
