import nacl from 'tweetnacl';
import { ParleyError } from '../../errors/index.js';
import {
  MAX_ACCOUNT_DEVICES,
  PRIMARY_DEVICE_ID,
  SignedDeviceListSchema,
  type SignedDeviceList,
} from '../../protocol/devices.js';
import { fromBase64Url, toBase64Url } from '../../protocol/encoding.js';
import { deviceListMessage, type DeviceListEntry } from '../../protocol/signed-messages.js';
import type { CryptoBackend } from '../backend/backend.js';
import { equalBytes } from '../bytes.js';
import type { IdentityKeyPair } from '../identity/identity.js';
import { isStrictPublicKey, requireSignature } from '../identity/strict-verify.js';

/** A device list whose signature and rules were checked: keys as bytes, devices ascending by id. */
export interface VerifiedDeviceList {
  accountKey: Uint8Array;
  counter: number;
  devices: readonly DeviceListEntry[];
  /** The wire form it was verified from (or signed as), for storing and passing on unchanged. */
  signed: SignedDeviceList;
}

function bad(message: string): ParleyError {
  return new ParleyError('BAD_REQUEST', `device list: ${message}`);
}

/**
 * The rules every list must meet, whoever made it: the primary is present under the account key, ids
 * ascend strictly (one canonical order, no duplicates), no identity key appears twice, every key is a
 * strict Ed25519 point, and there are at most MAX_ACCOUNT_DEVICES.
 */
function checkRules(accountKey: Uint8Array, devices: readonly DeviceListEntry[]): void {
  if (devices.length < 1 || devices.length > MAX_ACCOUNT_DEVICES) {
    throw bad(`must hold 1 to ${MAX_ACCOUNT_DEVICES} devices, not ${devices.length}`);
  }
  if (!isStrictPublicKey(accountKey)) throw new ParleyError('INVALID_KEY', 'device list: bad account key');
  const primary = devices.find((device) => device.deviceId === PRIMARY_DEVICE_ID);
  if (!primary || !equalBytes(primary.identityKey, accountKey)) {
    throw bad('the primary device must be listed under the account key');
  }
  const seenKeys = new Set<string>();
  let previousId = 0;
  for (const device of devices) {
    if (!Number.isInteger(device.deviceId) || device.deviceId <= previousId || device.deviceId > 0x7fffffff) {
      throw bad('device ids must be integers ascending strictly from 1');
    }
    previousId = device.deviceId;
    if (!Number.isSafeInteger(device.addedAt) || device.addedAt < 0) throw bad('bad addedAt');
    if (!isStrictPublicKey(device.identityKey)) {
      throw new ParleyError('INVALID_KEY', `device list: bad identity key for device ${device.deviceId}`);
    }
    const key = toBase64Url(device.identityKey);
    if (seenKeys.has(key)) throw bad('an identity key is listed twice');
    seenKeys.add(key);
  }
}

/**
 * Signs a new list with the account key (only the primary holds it). The caller picks the counter: one more
 * than the highest it has published or seen for the account (`nextCounter`).
 */
export function signDeviceList(
  account: Pick<IdentityKeyPair, 'identityKey' | 'signingSecretKey'>,
  counter: number,
  devices: readonly DeviceListEntry[],
): VerifiedDeviceList {
  if (!Number.isInteger(counter) || counter < 1 || counter > 0xffffffff) throw bad('counter out of range');
  const sorted = [...devices].sort((a, b) => a.deviceId - b.deviceId);
  checkRules(account.identityKey, sorted);
  const signature = nacl.sign.detached(
    deviceListMessage(account.identityKey, counter, sorted),
    account.signingSecretKey,
  );
  return {
    accountKey: account.identityKey,
    counter,
    devices: sorted,
    signed: {
      version: 1,
      account: toBase64Url(account.identityKey),
      counter,
      devices: sorted.map((device) => ({
        deviceId: device.deviceId,
        identityKey: toBase64Url(device.identityKey),
        addedAt: device.addedAt,
      })),
      signature: toBase64Url(signature),
    },
  };
}

/**
 * Checks a list from the wire: shape, rules, and the account key's strict signature. With `expectedAccount`
 * (the key the account string encodes), a list of another account — validly signed by its own key — is
 * refused with UNTRUSTED_IDENTITY, as a bundle of another account is (issue 9).
 */
export function verifyDeviceList(
  backend: CryptoBackend,
  input: unknown,
  expectedAccount?: Uint8Array,
): VerifiedDeviceList {
  const parsed = SignedDeviceListSchema.safeParse(input);
  if (!parsed.success) throw bad(`malformed: ${parsed.error.message}`);
  const signed = parsed.data;
  const accountKey = fromBase64Url(signed.account);
  if (expectedAccount && !equalBytes(accountKey, expectedAccount)) {
    throw new ParleyError('UNTRUSTED_IDENTITY', 'device list: signed for another account');
  }
  const devices: DeviceListEntry[] = signed.devices.map((device) => ({
    deviceId: device.deviceId,
    identityKey: fromBase64Url(device.identityKey),
    addedAt: device.addedAt,
  }));
  checkRules(accountKey, devices);
  requireSignature(
    backend,
    deviceListMessage(accountKey, signed.counter, devices),
    fromBase64Url(signed.signature),
    accountKey,
    'device list',
  );
  return { accountKey, counter: signed.counter, devices, signed };
}
