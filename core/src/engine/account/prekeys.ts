import { ParleyError } from '../../errors/index.js';
import {
  buildPreKeyBundle,
  generateIdentity,
  generateOneTimePreKeys,
  generateSignedPreKey,
  identityString,
  type CryptoOptions,
  type IdentityKeyPair,
  type SignedPreKeyPair,
} from '../../crypto/index.js';
import type { ClientDatabase } from '../../storage/index.js';
import type { PreKeyBundle } from '../../protocol/directory.js';

/** The first signed prekey's id; each rotation takes the next one. */
export const SIGNED_PREKEY_ID = 1;
/** One-time prekeys per batch: the first publish and every `prekeys:low`. */
export const PREKEY_BATCH = 100;

/** This device's identity from the client database, created (with its first prekeys) on first start. */
export async function loadOrCreateIdentity(
  db: ClientDatabase,
  crypto: CryptoOptions,
): Promise<{ identity: IdentityKeyPair; deviceId: number; account: string; created: boolean }> {
  const device = await db.identities.getLocalDevice();
  if (device !== undefined) {
    return {
      identity: await db.identities.getLocalIdentity(),
      deviceId: device.address.deviceId,
      account: device.address.name,
      created: false,
    };
  }
  const identity = generateIdentity(crypto);
  await db.preKeys.storeSignedPreKey(generateSignedPreKey(identity, SIGNED_PREKEY_ID, crypto));
  await db.identities.saveLocalIdentity(identity, 1);
  return { identity, deviceId: 1, account: identityString(identity.identityKey), created: true };
}

/**
 * Generates and stores a batch of one-time prekeys and returns the bundle that publishes them. Key ids start
 * at a random point so a batch made after every earlier key was used never reuses an id a peer may still hold.
 */
export async function newPreKeyBatch(
  db: ClientDatabase,
  identity: IdentityKeyPair,
  crypto: CryptoOptions & { randomBytes: (length: number) => Uint8Array },
  count = PREKEY_BATCH,
): Promise<PreKeyBundle> {
  const signed = await currentSignedPreKey(db);
  const existing = await db.preKeys.oneTimePreKeyIds();
  const random = crypto.randomBytes(3);
  const start =
    existing.length > 0
      ? Math.max(...existing) + 1
      : (((random[0] ?? 0) << 16) | ((random[1] ?? 0) << 8) | (random[2] ?? 0)) * 128;
  const keys = generateOneTimePreKeys(start, count, crypto);
  await db.preKeys.storeOneTimePreKeys(keys);
  return buildPreKeyBundle(identity, signed, keys);
}

/** The bundle without new one-time keys: re-asserted on every connect so a relay that lost it has it again. */
export async function currentBundle(db: ClientDatabase, identity: IdentityKeyPair): Promise<PreKeyBundle> {
  return buildPreKeyBundle(identity, await currentSignedPreKey(db), []);
}

export interface SignedPreKeyPolicy {
  /** A signed prekey this old is replaced. */
  readonly rotationMs: number;
  /** How long a replaced signed prekey is kept, from its replacement, for sessions peers started against it. */
  readonly graceMs: number;
}

/** The signed prekey in the published bundle: the newest one. */
export async function currentSignedPreKey(db: ClientDatabase): Promise<SignedPreKeyPair> {
  const ids = await db.preKeys.signedPreKeyIds();
  const newest = ids.length === 0 ? undefined : await db.preKeys.loadSignedPreKey(Math.max(...ids));
  if (newest === undefined) throw new ParleyError('INTERNAL', 'signed prekey missing');
  return newest;
}

/**
 * Replaces the signed prekey once it is `rotationMs` old (the caller then publishes the new bundle), and
 * deletes replaced ones `graceMs` after their replacement: a peer that fetched the old bundle just before the
 * rotation can still start a session with it until then. Times come from the injected clock (`crypto.now`).
 * Returns whether a new signed prekey was made.
 */
export async function rotateSignedPreKey(
  db: ClientDatabase,
  identity: IdentityKeyPair,
  crypto: CryptoOptions & { now: () => number },
  policy: SignedPreKeyPolicy,
): Promise<boolean> {
  const now = crypto.now();
  let current = await currentSignedPreKey(db);
  let rotated = false;
  if (now - current.createdAt >= policy.rotationMs) {
    current = generateSignedPreKey(identity, current.keyId + 1, crypto);
    await db.preKeys.storeSignedPreKey(current);
    rotated = true;
  }
  // Each older key was replaced when its successor was made; the newest kept one was replaced by `current`.
  const ids = (await db.preKeys.signedPreKeyIds()).filter((id) => id !== current.keyId);
  for (const [index, id] of ids.entries()) {
    const successorId = ids[index + 1] ?? current.keyId;
    const successor = await db.preKeys.loadSignedPreKey(successorId);
    if (successor !== undefined && now - successor.createdAt >= policy.graceMs) {
      await db.preKeys.removeSignedPreKey(id);
    }
  }
  return rotated;
}
