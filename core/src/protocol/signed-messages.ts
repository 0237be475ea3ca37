import { concatBytes, uint32be, utf8 } from './encoding.js';

/**
 * The exact bytes each Ed25519 signature in the protocol covers. Every signed object starts with its own
 * domain label, so a signature made for one purpose can never be replayed as another.
 */
export const SIGNATURE_DOMAINS = {
  auth: 'parley/relay-auth/v2',
  identityDh: 'parley/identity-dh/v1',
  signedPreKey: 'parley/signed-prekey/v1',
  recallReceipt: 'parley/recall-receipt/v1',
  deviceList: 'parley/device-list/v1',
} as const;

/**
 * The relay a login is for, as the client dialled it: the URL's host (lower-case hostname, `:port` unless the
 * scheme's default). A relay that passes another relay's challenge through gets a signature naming itself.
 */
export function relayHostOf(url: string): string {
  return new URL(url).host.toLowerCase();
}

/**
 * What a client signs to answer the relay's challenge (v2): label ‖ 0x00 ‖ nonce(32) ‖ identity key(32) ‖
 * relay key(32, from the challenge) ‖ len(u32) ‖ UTF-8 relay host (`relayHostOf` the URL it dialled).
 * v1 named no relay, so relay E could pass relay H's challenge on and log in at H with the answer.
 */
export function authChallengeMessage(
  nonce: Uint8Array,
  identityKey: Uint8Array,
  relayKey: Uint8Array,
  relayHost: string,
): Uint8Array {
  const host = utf8(relayHost);
  return concatBytes(
    utf8(SIGNATURE_DOMAINS.auth),
    new Uint8Array([0]),
    nonce,
    identityKey,
    relayKey,
    uint32be(host.length),
    host,
  );
}

/** label ‖ 0x00 ‖ X25519 identity key(32): binds the Diffie-Hellman identity key to the signing key. */
export function identityDhMessage(dhPublicKey: Uint8Array): Uint8Array {
  return concatBytes(utf8(SIGNATURE_DOMAINS.identityDh), new Uint8Array([0]), dhPublicKey);
}

/** label ‖ 0x00 ‖ keyId (uint32 big-endian) ‖ X25519 signed prekey(32). */
export function signedPreKeyMessage(keyId: number, publicKey: Uint8Array): Uint8Array {
  return concatBytes(utf8(SIGNATURE_DOMAINS.signedPreKey), new Uint8Array([0]), uint32be(keyId), publicKey);
}

/** One device of a signed device list, in bytes. */
export interface DeviceListEntry {
  deviceId: number;
  identityKey: Uint8Array;
  addedAt: number;
}

/**
 * label ‖ 0x00 ‖ account key(32) ‖ counter(u32) ‖ n(u32) ‖ n × (deviceId(u32) ‖ identity key(32) ‖
 * addedAt(u32 high ‖ u32 low, milliseconds)). Fixed-width fields, so no two lists share these bytes.
 */
export function deviceListMessage(
  accountKey: Uint8Array,
  counter: number,
  devices: readonly DeviceListEntry[],
): Uint8Array {
  const parts: Uint8Array[] = [
    utf8(SIGNATURE_DOMAINS.deviceList),
    new Uint8Array([0]),
    accountKey,
    uint32be(counter),
    uint32be(devices.length),
  ];
  for (const device of devices) {
    parts.push(
      uint32be(device.deviceId),
      device.identityKey,
      uint32be(Math.floor(device.addedAt / 0x100000000)),
      uint32be(device.addedAt % 0x100000000),
    );
  }
  return concatBytes(...parts);
}

export interface RecallReceiptBody {
  blobId: string;
  /** Recipients whose copy was deleted before they received it. */
  recalledFor: string[];
  /** Recipients who had already received (acknowledged) it. */
  deliveredTo: string[];
  recalledAt: number;
  /** The relay's Ed25519 public key (base64url) that signs the receipt. */
  relayKey: string;
}

/**
 * label ‖ 0x00 ‖ UTF-8 JSON of the body with keys in the order of `RecallReceiptBody` and both recipient
 * lists sorted, so relay and client derive the same bytes without a canonical-JSON library.
 */
export function recallReceiptMessage(body: RecallReceiptBody): Uint8Array {
  const canonical = JSON.stringify({
    blobId: body.blobId,
    recalledFor: [...body.recalledFor].sort(),
    deliveredTo: [...body.deliveredTo].sort(),
    recalledAt: body.recalledAt,
    relayKey: body.relayKey,
  });
  return concatBytes(utf8(SIGNATURE_DOMAINS.recallReceipt), new Uint8Array([0]), utf8(canonical));
}
