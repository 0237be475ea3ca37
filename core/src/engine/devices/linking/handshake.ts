import nacl from 'tweetnacl';
import type { CryptoBackend } from '../../../crypto/backend/backend.js';
import { equalBytes } from '../../../crypto/bytes.js';
import { requireSignature } from '../../../crypto/identity/strict-verify.js';
import { hkdf, hmac, sha512Hash } from '../../../crypto/kdf/index.js';
import { ParleyError } from '../../../errors/index.js';
import { concatBytes, fromBase64Url, toBase64Url, uint32be, utf8 } from '../../../protocol/encoding.js';
import type { LinkPayload } from './payload.js';
import type { AcceptMessage, HelloMessage } from './wire.js';

/*
 * The device-link handshake (docs/crypto.md "Linking a device"). J is the new device (it joins), H the
 * existing one (it hosts). The payload carries H's ephemeral key eH, a secret s and commit = SHA-512(nonce)[0..32].
 *
 *   J → H  hello  { eJ, device IK_J, proof = HMAC(s, "hello" ‖ th)[0..32], sig = Sign(IK_J, "device" ‖ th) }
 *   H → J  accept { nonce, [eH' on resume], proof = HMAC(s, "accept" ‖ th ‖ nonce)[0..32] }
 *   th     = SHA-512("parley/device-link/transcript/v1" ‖ mode ‖ id ‖ account ‖ host ‖ IK_J ‖ eJ ‖ commit)
 *   keys   = HKDF-SHA-512(ikm = X25519(eJ, eH), salt = s, info = "parley/device-link/keys/v1" ‖ th ‖ eH ‖ nonce, 96)
 *          = J→H key (32) ‖ H→J key (32) ‖ short-code bytes (32)
 *
 * The nonce is revealed only after H has J's hello, and J checks it against the commit from the payload, so a
 * relay in the middle that knows the payload must pick its own eJ before it can know either short code: it
 * cannot search for a key whose code matches (6 digits: one chance in a million, and the payload is good once).
 * A resume (after a break in the history transfer) uses the secret handed over when linking instead of s,
 * and H's fresh eH' travels in the accept; the signature by the listed device key authenticates J.
 */

export const LINK_LABELS = {
  transcript: utf8('parley/device-link/transcript/v1'),
  hello: utf8('parley/device-link/hello/v1'),
  accept: utf8('parley/device-link/accept/v1'),
  device: utf8('parley/device-link/device/v1'),
  keys: utf8('parley/device-link/keys/v1'),
  commit: utf8('parley/device-link/commit/v1'),
} as const;

export type HandshakeMode = 'link' | 'resume';

export interface Transcript {
  readonly mode: HandshakeMode;
  readonly id: string;
  readonly account: Uint8Array;
  readonly host: Uint8Array;
  readonly device: Uint8Array;
  readonly joinerKey: Uint8Array;
  /** The payload's commit; 32 zero bytes on a resume (there is no payload). */
  readonly commit: Uint8Array;
}

export interface ChannelKeys {
  readonly joinerToHost: Uint8Array;
  readonly hostToJoiner: Uint8Array;
  /** Six digits, shown as "123 456" on both screens. */
  readonly shortCode: string;
}

const NO_COMMIT = new Uint8Array(32);

export function commitOf(backend: CryptoBackend, nonce: Uint8Array): Uint8Array {
  return backend.sha512(concatBytes(LINK_LABELS.commit, nonce)).subarray(0, 32);
}

export function transcriptHash(backend: CryptoBackend, t: Transcript): Uint8Array {
  const id = utf8(t.id);
  return backend.sha512(
    concatBytes(
      LINK_LABELS.transcript,
      new Uint8Array([t.mode === 'link' ? 1 : 2]),
      uint32be(id.length),
      id,
      t.account,
      t.host,
      t.device,
      t.joinerKey,
      t.commit,
    ),
  );
}

function mac(backend: CryptoBackend, key: Uint8Array, ...parts: Uint8Array[]): Uint8Array {
  return hmac(sha512Hash(backend), key, concatBytes(...parts)).subarray(0, 32);
}

/** The transcript of a hello for the given handshake. */
export function transcriptOf(
  mode: HandshakeMode,
  id: string,
  account: string,
  host: string,
  hello: Pick<HelloMessage, 'device' | 'key'>,
  commit: Uint8Array | undefined,
): Transcript {
  return {
    mode,
    id,
    account: fromBase64Url(account),
    host: fromBase64Url(host),
    device: fromBase64Url(hello.device),
    joinerKey: fromBase64Url(hello.key),
    commit: commit ?? NO_COMMIT,
  };
}

/** The joiner's hello and the ephemeral secret it keeps for `deriveKeys`. */
export function makeHello(
  backend: CryptoBackend,
  randomBytes: (length: number) => Uint8Array,
  device: { identityKey: Uint8Array; signingSecretKey: Uint8Array },
  target: {
    mode: HandshakeMode;
    id: string;
    account: string;
    host: string;
    secret: Uint8Array;
    commit?: Uint8Array;
  },
): { hello: HelloMessage; ephemeralSecret: Uint8Array; transcript: Uint8Array } {
  const ephemeralSecret = randomBytes(32);
  const key = toBase64Url(backend.x25519Base(ephemeralSecret));
  const deviceKey = toBase64Url(device.identityKey);
  const th = transcriptHash(
    backend,
    transcriptOf(
      target.mode,
      target.id,
      target.account,
      target.host,
      { device: deviceKey, key },
      target.commit,
    ),
  );
  const hello: HelloMessage = {
    t: 'hello',
    mode: target.mode,
    key,
    device: deviceKey,
    proof: toBase64Url(mac(backend, target.secret, LINK_LABELS.hello, th)),
    signature: toBase64Url(nacl.sign.detached(concatBytes(LINK_LABELS.device, th), device.signingSecretKey)),
  };
  return { hello, ephemeralSecret, transcript: th };
}

/**
 * The host's check of a hello: the proof shows the sender holds the secret (the payload, or the resume
 * secret), the signature that it holds the device key it asks to be listed. Returns the transcript hash.
 * DECRYPT_FAILED for a wrong proof, INVALID_SIGNATURE for a wrong signature.
 */
export function verifyHello(
  backend: CryptoBackend,
  hello: HelloMessage,
  transcript: Transcript,
  secret: Uint8Array,
): Uint8Array {
  const th = transcriptHash(backend, transcript);
  if (!equalBytes(fromBase64Url(hello.proof), mac(backend, secret, LINK_LABELS.hello, th))) {
    throw new ParleyError('DECRYPT_FAILED', 'device link: the hello was not made with this payload');
  }
  requireSignature(
    backend,
    concatBytes(LINK_LABELS.device, th),
    fromBase64Url(hello.signature),
    transcript.device,
    'device link hello',
  );
  return th;
}

export function acceptProof(
  backend: CryptoBackend,
  secret: Uint8Array,
  th: Uint8Array,
  nonce: Uint8Array,
  hostKey: Uint8Array,
): Uint8Array {
  return mac(backend, secret, LINK_LABELS.accept, th, nonce, hostKey);
}

/**
 * The joiner's check of the host's accept: the nonce must match the payload's commit (link) and the proof
 * the secret. DECRYPT_FAILED otherwise: someone other than the payload's device answered.
 */
export function verifyAccept(
  backend: CryptoBackend,
  accept: AcceptMessage,
  secret: Uint8Array,
  th: Uint8Array,
  hostKey: Uint8Array,
  commit: Uint8Array | undefined,
): Uint8Array {
  const nonce = fromBase64Url(accept.nonce);
  if (commit !== undefined && !equalBytes(commitOf(backend, nonce), commit)) {
    throw new ParleyError('DECRYPT_FAILED', 'device link: the answer does not match the payload');
  }
  if (!equalBytes(fromBase64Url(accept.proof), acceptProof(backend, secret, th, nonce, hostKey))) {
    throw new ParleyError('DECRYPT_FAILED', 'device link: the answer was not made with this payload');
  }
  return nonce;
}

export function deriveKeys(
  backend: CryptoBackend,
  shared: Uint8Array,
  secret: Uint8Array,
  th: Uint8Array,
  hostKey: Uint8Array,
  nonce: Uint8Array,
): ChannelKeys {
  if (shared.every((byte) => byte === 0)) {
    throw new ParleyError('INVALID_KEY', 'device link: a low-order ephemeral key');
  }
  const okm = hkdf(
    sha512Hash(backend),
    shared,
    secret,
    concatBytes(LINK_LABELS.keys, th, hostKey, nonce),
    96,
  );
  const code = new DataView(okm.buffer, okm.byteOffset + 64, 4).getUint32(0) % 1_000_000;
  const digits = String(code).padStart(6, '0');
  return {
    joinerToHost: okm.slice(0, 32),
    hostToJoiner: okm.slice(32, 64),
    shortCode: `${digits.slice(0, 3)} ${digits.slice(3)}`,
  };
}

/** A fresh offer's secrets and the payload fields they fix. */
export function newOfferSecrets(
  backend: CryptoBackend,
  randomBytes: (length: number) => Uint8Array,
): {
  id: string;
  ephemeralSecret: Uint8Array;
  key: string;
  secret: Uint8Array;
  nonce: Uint8Array;
  commit: string;
} {
  const ephemeralSecret = randomBytes(32);
  const nonce = randomBytes(32);
  return {
    id: toBase64Url(randomBytes(16)),
    ephemeralSecret,
    key: toBase64Url(backend.x25519Base(ephemeralSecret)),
    secret: randomBytes(32),
    nonce,
    commit: toBase64Url(commitOf(backend, nonce)),
  };
}

export function payloadSecrets(payload: LinkPayload): {
  secret: Uint8Array;
  commit: Uint8Array;
  hostKey: Uint8Array;
} {
  return {
    secret: fromBase64Url(payload.secret),
    commit: fromBase64Url(payload.commit),
    hostKey: fromBase64Url(payload.key),
  };
}
