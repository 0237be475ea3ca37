import { z } from 'zod';
import { IdentitySchema, SignatureSchema } from './common.js';

/**
 * Linked devices (docs/crypto.md "Linked devices"): the account identity key signs the list of the account's
 * devices. These schemas check shape only; `verifyDeviceList` (core/src/crypto/devices) checks the rules and
 * the signature, and the relay runs it too before storing a list.
 */

/** The most devices one list may hold, the primary included: the primary and five linked devices. */
export const MAX_ACCOUNT_DEVICES = 6;
/** The device whose identity key is the account key. It signs the list. */
export const PRIMARY_DEVICE_ID = 1;

export const DeviceIdSchema = z.number().int().min(1).max(0x7fffffff);

export const ListedDeviceSchema = z.strictObject({
  deviceId: DeviceIdSchema,
  /** The device's own Ed25519 identity key; for the primary, the account key. */
  identityKey: IdentitySchema,
  /** Milliseconds since the epoch, as the signer's clock said when it linked the device. */
  addedAt: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
});

export const SignedDeviceListSchema = z.strictObject({
  version: z.literal(1),
  /** The account identity key, which signs the list: the key the account string encodes. */
  account: IdentitySchema,
  /** Grows with every new list of the account; a lower one than a list already seen is a rollback. */
  counter: z.number().int().min(1).max(0xffffffff),
  /** Ascending by device id. */
  devices: z.array(ListedDeviceSchema).min(1).max(MAX_ACCOUNT_DEVICES),
  /** Over `deviceListMessage(...)` by `account`. */
  signature: SignatureSchema,
});

export const PublishDeviceListSchema = z.strictObject({ list: SignedDeviceListSchema });
export const FetchDeviceListSchema = z.strictObject({ account: IdentitySchema });

export type ListedDevice = z.infer<typeof ListedDeviceSchema>;
export type SignedDeviceList = z.infer<typeof SignedDeviceListSchema>;
