import nacl from 'tweetnacl';
import {
  tweetnaclBackend,
  type CryptoBackend,
  type CryptoOptions,
  type IdentityKeyPair,
} from '../../crypto/index.js';
import { openClientDatabase, type ClientDatabase } from '../../storage/index.js';
import type { ParleyClientOptions } from '../options.js';
import type { EngineStateStore } from '../shared/state-store.js';
import { importLegacyEngineState } from '../shared/state-store-indexeddb.js';
import { ParleyError } from '../../errors/index.js';
import { identityString } from '../../crypto/index.js';
import { PRIMARY_DEVICE_ID } from '../../protocol/devices.js';
import {
  UNLINKED_DEVICE,
  adoptLinkedDevice,
  joinedAccountList,
  prepareLinkedIdentity,
} from '../devices/adopt.js';
import { loadOrCreateIdentity } from './prekeys.js';

export type EngineCrypto = CryptoOptions & {
  now: () => number;
  randomBytes: (length: number) => Uint8Array;
  backend: CryptoBackend;
};

export interface Device {
  readonly db: ClientDatabase;
  readonly identity: IdentityKeyPair;
  readonly deviceId: number;
  /** The account this device speaks for: its own key's on the primary, the primary's on a linked device. */
  readonly account: string;
  readonly crypto: EngineCrypto;
  readonly state: EngineStateStore;
}

/**
 * Opens this device's client database and its identity (created on first start), and where the engine state
 * lives (an old unsealed engine database is imported once). The database is closed again if any step fails.
 */
export async function openDevice(options: ParleyClientOptions): Promise<Device> {
  const { db, crypto } = await openDatabase(options);
  try {
    const loaded = await loadOrCreateIdentity(db, crypto);
    const { identity } = loaded;
    let { deviceId, account } = loaded;
    const state = options.stateStore ?? db.engineState;
    const joined = deviceId === PRIMARY_DEVICE_ID ? await joinedAccountList(state) : undefined;
    if (joined !== undefined && account === identityString(identity.identityKey)) {
      // Linked through client.linking while running as its own account: becomes that account's device now.
      ({ account, deviceId } = await adoptLinkedDevice(db, crypto.backend, identity, joined));
    } else if (deviceId === UNLINKED_DEVICE) {
      // A device made by prepareLinkedDevice: it starts once its account's signed list names it.
      if (options.linkedDevice === undefined)
        throw new ParleyError('NOT_FOUND', 'this device waits to be linked (start it with linkedDevice)');
      ({ account, deviceId } = await adoptLinkedDevice(
        db,
        crypto.backend,
        identity,
        options.linkedDevice.list,
      ));
    }
    if (options.stateStore === undefined) {
      await importLegacyEngineState(options.indexedDB, db, options.databaseName);
    }
    return { db, identity, deviceId, account, crypto, state: options.stateStore ?? db.engineState };
  } catch (error) {
    db.close();
    throw error;
  }
}

/**
 * Opens (or creates) the database of a device to be linked and its own identity: resolves the identity key
 * (base64url) the primary's `client.devices.add` takes. Closes the database again.
 */
export async function prepareLinkedDevice(options: ParleyClientOptions): Promise<string> {
  const { db, crypto } = await openDatabase(options);
  try {
    return await prepareLinkedIdentity(db, crypto);
  } finally {
    db.close();
  }
}

/** The client database `options` name, and the clock, randomness and backend the engine uses with it. */
async function openDatabase(
  options: ParleyClientOptions,
): Promise<{ db: ClientDatabase; crypto: EngineCrypto }> {
  const now = options.now ?? (() => Date.now());
  const db = await openClientDatabase({
    indexedDB: options.indexedDB,
    name: options.databaseName,
    keyWrapper: options.keyWrapper,
    now,
  });
  const randomBytes = options.randomBytes ?? ((length: number) => nacl.randomBytes(length));
  return { db, crypto: { now, randomBytes, backend: options.cryptoBackend ?? tweetnaclBackend } };
}
