import { ParleyError } from '../../errors/index.js';
import {
  generateIdentity,
  generateSignedPreKey,
  identityString,
  verifyDeviceList,
  type CryptoBackend,
  type CryptoOptions,
  type IdentityKeyPair,
} from '../../crypto/index.js';
import { PRIMARY_DEVICE_ID, type SignedDeviceList } from '../../protocol/devices.js';
import { toBase64Url } from '../../protocol/encoding.js';
import type { ClientDatabase } from '../../storage/index.js';
import { equalBytes } from '../shared/bytes.js';
import { LINKED_ACCOUNT_KEY } from './linking/types.js';

/** The device id a prepared device holds until a list names it: no list may use 0. */
export const UNLINKED_DEVICE = 0;

/** The first signed prekey of every device (account/prekeys.ts SIGNED_PREKEY_ID; no import, no cycle). */
const FIRST_SIGNED_PREKEY_ID = 1;

/**
 * A new device to be linked to an existing account: its own identity key pair and first signed prekey
 * (docs/crypto.md "Linked devices": no secret key is ever copied between devices), stored under device id
 * 0 until the account's primary lists it. Resolves its public identity key (base64url), which the primary
 * passes to `client.devices.add`. Called again, it resolves the same key. CONFLICT when the database
 * already belongs to an account.
 */
export async function prepareLinkedIdentity(db: ClientDatabase, crypto: CryptoOptions): Promise<string> {
  const device = await db.identities.getLocalDevice();
  if (device !== undefined) {
    if (device.address.deviceId !== UNLINKED_DEVICE)
      throw new ParleyError('CONFLICT', 'this database already belongs to an account');
    return toBase64Url((await db.identities.getLocalIdentity()).identityKey);
  }
  const identity = generateIdentity(crypto);
  await db.preKeys.storeSignedPreKey(generateSignedPreKey(identity, FIRST_SIGNED_PREKEY_ID, crypto));
  await db.identities.saveLocalIdentity(identity, UNLINKED_DEVICE);
  return toBase64Url(identity.identityKey);
}

/**
 * A prepared device joins the account whose signed list names its identity key: the list is verified
 * (the account key's strict signature and every rule), kept as the account's first verified list, and the
 * device takes the id the list gives it. The list must come from the account by a path the person trusts
 * (the linking flow's confirmed channel): whoever signed it becomes the account this device speaks for.
 */
export async function adoptLinkedDevice(
  db: ClientDatabase,
  backend: CryptoBackend,
  identity: IdentityKeyPair,
  signed: SignedDeviceList,
): Promise<{ account: string; deviceId: number }> {
  const list = verifyDeviceList(backend, signed);
  if (equalBytes(list.accountKey, identity.identityKey))
    throw new ParleyError('CONFLICT', 'this device is the primary of that account');
  const mine = list.devices.find((device) => equalBytes(device.identityKey, identity.identityKey));
  if (mine === undefined || mine.deviceId === PRIMARY_DEVICE_ID) {
    throw new ParleyError('UNTRUSTED_IDENTITY', "the device list does not name this device's key");
  }
  const account = identityString(list.accountKey);
  await db.deviceLists.put(account, list.signed, {});
  await db.identities.adoptAccount(account, mine.deviceId);
  return { account, deviceId: mine.deviceId };
}

/**
 * The linking flow runs on a started client that still speaks for its own fresh account; once it recorded
 * the account it joined (`client.linking`'s 'linked'), the next start adopts it: from then on this device is
 * that account's device. Resolves the list to adopt, or undefined.
 */
export async function joinedAccountList(state: {
  get(key: string): Promise<unknown>;
}): Promise<SignedDeviceList | undefined> {
  const record = (await state.get(LINKED_ACCOUNT_KEY)) as { list?: SignedDeviceList } | undefined;
  return record?.list;
}
