import type { PreKeyBundle, SignedDeviceList } from '@parley/core';
import type { BlobQuota, DepositRecord } from '../types.js';

/** A distinct, well-formed identity (32 bytes of base64url) per number. */
export function identity(n: number): string {
  return base64url(new Uint8Array(32).fill(n));
}

function base64url(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('base64url');
}

export function bundle(owner: string, keyIds: number[], signedPreKeyId = 1): PreKeyBundle {
  return {
    identityKey: owner,
    identityDhKey: base64url(new Uint8Array(32).fill(200)),
    identityDhSignature: base64url(new Uint8Array(64).fill(201)),
    signedPreKey: {
      keyId: signedPreKeyId,
      publicKey: base64url(new Uint8Array(32).fill(signedPreKeyId % 256)),
      signature: base64url(new Uint8Array(64).fill(202)),
    },
    oneTimePreKeys: keyIds.map((keyId) => ({
      keyId,
      publicKey: base64url(new Uint8Array(32).fill(keyId % 256)),
    })),
  };
}

export const ROOMY: BlobQuota = { maxBlobs: 1_000_000, maxBytes: 1024 * 1024 * 1024 };

export function payload(...bytes: number[]): Uint8Array {
  return new Uint8Array(bytes);
}

export function record(sender: string, recipients: string[], bytes: Uint8Array, at = 1_000): DepositRecord {
  return { sender, recipients, payload: bytes, depositedAt: at, expiresAt: at + 10_000 };
}

export const BLOB_ID = /^[A-Za-z0-9_-]{1,64}$/;

/** A device list of the store's view: the store trusts the relay to have verified it, so any bytes do. */
export function deviceList(account: string, counter: number, signatureByte = counter): SignedDeviceList {
  return {
    version: 1,
    account,
    counter,
    devices: [{ deviceId: 1, identityKey: account, addedAt: counter }],
    signature: base64url(new Uint8Array(64).fill(signatureByte % 256)),
  };
}
