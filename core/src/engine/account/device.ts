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
  readonly crypto: EngineCrypto;
  readonly state: EngineStateStore;
}

/**
 * Opens this device's client database and its identity (created on first start), and where the engine state
 * lives (an old unsealed engine database is imported once). The database is closed again if any step fails.
 */
export async function openDevice(options: ParleyClientOptions): Promise<Device> {
  const now = options.now ?? (() => Date.now());
  const db = await openClientDatabase({
    indexedDB: options.indexedDB,
    name: options.databaseName,
    keyWrapper: options.keyWrapper,
    now,
  });
  try {
    const randomBytes = options.randomBytes ?? ((length: number) => nacl.randomBytes(length));
    const crypto = { now, randomBytes, backend: options.cryptoBackend ?? tweetnaclBackend };
    const { identity, deviceId } = await loadOrCreateIdentity(db, crypto);
    if (options.stateStore === undefined) {
      await importLegacyEngineState(options.indexedDB, db, options.databaseName);
    }
    return { db, identity, deviceId, crypto, state: options.stateStore ?? db.engineState };
  } catch (error) {
    db.close();
    throw error;
  }
}
