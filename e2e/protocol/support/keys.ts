/** Ed25519 and X25519 keys and the signed objects of docs/protocol.md, with node:crypto only. */
import { createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';

export interface Identity {
  /** The Ed25519 public key, unpadded base64url (43 characters): the identity on the relay. */
  id: string;
  privateKey: KeyObject;
}

export const fromBase64Url = (text: string): Buffer => Buffer.from(text, 'base64url');

/**
 * The raw 32-byte key, unpadded base64url: the end of its DER SubjectPublicKeyInfo (Ed25519 and X25519 alike).
 * Not a JWK export: in Node 20, exporting as JWK a key that generateKeyPairSync made can deadlock the whole
 * process, when the garbage collector runs inside the export and destroys the generating job, which takes the
 * lock the export holds. A vitest worker hung that way for good in errors.test.ts (keys.test.ts shows it).
 */
function rawPublic(key: KeyObject): string {
  const spki = key.export({ format: 'der', type: 'spki' });
  if (spki.length !== 44) throw new Error('expected an Ed25519 or X25519 public key');
  return spki.subarray(12).toString('base64url');
}

export function newIdentity(): Identity {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  return { id: rawPublic(publicKey), privateKey };
}

export function x25519PublicKey(): string {
  return rawPublic(generateKeyPairSync('x25519').publicKey);
}

const labelled = (label: string, ...parts: Buffer[]) =>
  Buffer.concat([Buffer.from(label, 'ascii'), Buffer.from([0]), ...parts]);

function uint32(value: number): Buffer {
  const bytes = Buffer.alloc(4);
  bytes.writeUInt32BE(value);
  return bytes;
}

export interface Bundle {
  identityKey: string;
  identityDhKey: string;
  identityDhSignature: string;
  signedPreKey: { keyId: number; publicKey: string; signature: string };
  oneTimePreKeys: Array<{ keyId: number; publicKey: string }>;
}

/** A PreKeyBundle signed as the document says; `signer` lets a test sign with the wrong key. */
export function bundle(owner: Identity, oneTime: number, signer: Identity = owner): Bundle {
  const dh = x25519PublicKey();
  const spk = x25519PublicKey();
  const signWith = (message: Buffer) => sign(null, message, signer.privateKey).toString('base64url');
  return {
    identityKey: owner.id,
    identityDhKey: dh,
    identityDhSignature: signWith(labelled('parley/identity-dh/v1', fromBase64Url(dh))),
    signedPreKey: {
      keyId: 7,
      publicKey: spk,
      signature: signWith(labelled('parley/signed-prekey/v1', uint32(7), fromBase64Url(spk))),
    },
    oneTimePreKeys: Array.from({ length: oneTime }, (_, i) => ({
      keyId: i + 1,
      publicKey: x25519PublicKey(),
    })),
  };
}

export interface RecallReceipt {
  blobId: string;
  recalledFor: string[];
  deliveredTo: string[];
  recalledAt: number;
  relayKey: string;
  signature: string;
}

/** Checks a recall receipt against the relay key, from the bytes the document defines. */
export function receiptVerifies(receipt: RecallReceipt): boolean {
  const body = {
    blobId: receipt.blobId,
    recalledFor: receipt.recalledFor,
    deliveredTo: receipt.deliveredTo,
    recalledAt: receipt.recalledAt,
    relayKey: receipt.relayKey,
  };
  const key = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: receipt.relayKey }, format: 'jwk' });
  const message = labelled('parley/recall-receipt/v1', Buffer.from(JSON.stringify(body), 'utf8'));
  return verify(null, message, key, fromBase64Url(receipt.signature));
}

export interface DeviceList {
  version: 1;
  account: string;
  counter: number;
  devices: Array<{ deviceId: number; identityKey: string; addedAt: number }>;
  signature: string;
}

/**
 * A SignedDeviceList as the document defines it: device 1 is the account, the others follow as ids 2, 3, …;
 * `signer` lets a test sign with the wrong key.
 */
export function deviceList(
  account: Identity,
  counter: number,
  linked: Identity[] = [],
  signer: Identity = account,
): DeviceList {
  const devices = [account, ...linked].map((device, index) => ({
    deviceId: index + 1,
    identityKey: device.id,
    addedAt: 1_700_000_000_000 + index,
  }));
  const body = devices.map((device) =>
    Buffer.concat([
      uint32(device.deviceId),
      fromBase64Url(device.identityKey),
      uint32(Math.floor(device.addedAt / 2 ** 32)),
      uint32(device.addedAt % 2 ** 32),
    ]),
  );
  const message = labelled(
    'parley/device-list/v1',
    fromBase64Url(account.id),
    uint32(counter),
    uint32(devices.length),
    ...body,
  );
  const signature = sign(null, message, signer.privateKey).toString('base64url');
  return { version: 1, account: account.id, counter, devices, signature };
}
