import { ParleyError } from '../../errors/index.js';
import {
  deserializeIdentity,
  identityString,
  serializeIdentity,
  type IdentityKeyPair,
  type SerializedIdentity,
} from '../../crypto/index.js';
import type {
  IdentityStore,
  PreKeyStore,
  ProtocolAddress,
  SenderKeyStore,
  SessionStore,
  TrustedIdentity,
} from '../../crypto/index.js';
import type { OneTimePreKeyPair, SignedPreKeyPair } from '../../crypto/index.js';
import { fromBase64Url } from '../../protocol/encoding.js';
import { inTransaction, type StorageContext } from '../context.js';
import type { PreKeyRow, SessionRow } from '../schema.js';
import {
  deserializeOneTimePreKey,
  deserializeSignedPreKey,
  serializeOneTimePreKey,
  serializeSignedPreKey,
} from './prekey-records.js';

/*
 * The crypto layer's store interfaces over IndexedDB. Records holding secret keys (sessions, prekeys, sender keys,
 * the local identity) are wrapped with the platform's key before they are written; identity keys of peers are
 * public and stored as they are.
 */

/** Wraps a session record into its row; done before a transaction starts, since wrapping may be asynchronous. */
export async function sessionRow(
  context: StorageContext,
  address: ProtocolAddress,
  record: string,
): Promise<SessionRow> {
  return {
    name: address.name,
    deviceId: address.deviceId,
    record: await context.wrapText(record),
    updatedAt: context.now(),
  };
}

export class IndexedDbSessionStore implements SessionStore {
  constructor(private readonly context: StorageContext) {}

  async loadSession(address: ProtocolAddress): Promise<string | undefined> {
    const row = await this.context.db.get('sessions', [address.name, address.deviceId]);
    return row === undefined ? undefined : this.context.unwrapText(row.record);
  }

  async storeSession(address: ProtocolAddress, record: string): Promise<void> {
    const row = await sessionRow(this.context, address, record);
    await inTransaction(this.context.write(['sessions']), async (tx) => {
      await tx.objectStore('sessions').put(row);
    });
  }

  async deleteSession(address: ProtocolAddress): Promise<void> {
    await inTransaction(this.context.write(['sessions']), async (tx) => {
      await tx.objectStore('sessions').delete([address.name, address.deviceId]);
    });
  }

  /** The devices of an account this device has a session with (fan-out to linked devices). */
  async deviceIds(name: string): Promise<number[]> {
    const keys = await this.context.db.getAllKeysFromIndex('sessions', 'byName', name);
    return keys.map(([, deviceId]) => deviceId);
  }

  async deleteAllSessions(name: string): Promise<void> {
    await inTransaction(this.context.write(['sessions']), async (tx) => {
      const store = tx.objectStore('sessions');
      const keys = await store.index('byName').getAllKeys(name);
      await Promise.all(keys.map((key) => store.delete(key)));
    });
  }
}

export interface LocalDevice {
  readonly address: ProtocolAddress;
  readonly createdAt: number;
}

/** This device's identity key pair (wrapped) and the trust decisions about peers' identity keys. */
export class IndexedDbIdentityStore implements IdentityStore {
  /** Unwrapped once, then kept: the crypto layer asks for it on every X3DH. */
  private local: IdentityKeyPair | undefined;

  constructor(private readonly context: StorageContext) {}

  /**
   * `account`: on a linked device, the account (the primary's identity string) it belongs to; absent, this
   * device's own key is the account key. Device id 0 is a device made for linking that no list names yet.
   */
  async saveLocalIdentity(identity: IdentityKeyPair, deviceId: number, account?: string): Promise<void> {
    const secret = await this.context.wrapText(JSON.stringify(serializeIdentity(identity)));
    const createdAt = this.context.now();
    await inTransaction(this.context.write(['identity']), async (tx) => {
      await tx
        .objectStore('identity')
        .put({ slot: 'self', deviceId, createdAt, secret, ...(account === undefined ? {} : { account }) });
    });
    this.local = identity;
  }

  /** A device made for linking joins `account` as `deviceId`, once the account's signed list names it. */
  async adoptAccount(account: string, deviceId: number): Promise<void> {
    await inTransaction(this.context.write(['identity']), async (tx) => {
      const row = await tx.objectStore('identity').get('self');
      if (row === undefined) throw new ParleyError('NOT_FOUND', 'this device has no identity yet');
      await tx.objectStore('identity').put({ ...row, deviceId, account });
    });
  }

  /**
   * The identity key that `name`'s verified device list names under `deviceId` (linked devices: the crypto
   * layer accepts a non-primary device's key only when it is listed). Undefined when no list names it.
   */
  async listedDeviceKey(name: string, deviceId: number): Promise<Uint8Array | undefined> {
    const row = await this.context.db.get('deviceLists', name);
    const listed = row?.list.devices.find((device) => device.deviceId === deviceId);
    return listed === undefined ? undefined : fromBase64Url(listed.identityKey);
  }

  /** Throws NOT_FOUND before an identity was saved (the app shows onboarding). */
  async getLocalIdentity(): Promise<IdentityKeyPair> {
    if (this.local) return this.local;
    const row = await this.context.db.get('identity', 'self');
    if (row === undefined) throw new ParleyError('NOT_FOUND', 'this device has no identity yet');
    const serialized = JSON.parse(await this.context.unwrapText(row.secret)) as SerializedIdentity;
    this.local = deserializeIdentity(serialized);
    return this.local;
  }

  /** This device's address, or undefined before an identity was saved. */
  async getLocalDevice(): Promise<LocalDevice | undefined> {
    const row = await this.context.db.get('identity', 'self');
    if (row === undefined) return undefined;
    const identity = await this.getLocalIdentity();
    return {
      address: { name: row.account ?? identityString(identity.identityKey), deviceId: row.deviceId },
      createdAt: row.createdAt,
    };
  }

  async getTrusted(name: string): Promise<TrustedIdentity | undefined> {
    const row = await this.context.db.get('trustedIdentities', name);
    return row === undefined
      ? undefined
      : { identityKey: row.identityKey, verified: row.verified, firstSeen: row.firstSeen };
  }

  async saveTrusted(name: string, identity: TrustedIdentity): Promise<void> {
    await inTransaction(this.context.write(['trustedIdentities']), async (tx) => {
      await tx.objectStore('trustedIdentities').put({
        name,
        identityKey: identity.identityKey.slice(),
        verified: identity.verified,
        firstSeen: identity.firstSeen,
      });
    });
  }
}

export class IndexedDbPreKeyStore implements PreKeyStore {
  constructor(private readonly context: StorageContext) {}

  async loadSignedPreKey(keyId: number): Promise<SignedPreKeyPair | undefined> {
    const text = await this.load('signed', keyId);
    return text === undefined ? undefined : deserializeSignedPreKey(text);
  }

  async loadOneTimePreKey(keyId: number): Promise<OneTimePreKeyPair | undefined> {
    const text = await this.load('one-time', keyId);
    return text === undefined ? undefined : deserializeOneTimePreKey(text);
  }

  async removeOneTimePreKey(keyId: number): Promise<void> {
    await inTransaction(this.context.write(['preKeys']), async (tx) => {
      await tx.objectStore('preKeys').delete(['one-time', keyId]);
    });
  }

  async storeSignedPreKey(key: SignedPreKeyPair): Promise<void> {
    await this.store([{ kind: 'signed', keyId: key.keyId, text: serializeSignedPreKey(key) }]);
  }

  async removeSignedPreKey(keyId: number): Promise<void> {
    await inTransaction(this.context.write(['preKeys']), async (tx) => {
      await tx.objectStore('preKeys').delete(['signed', keyId]);
    });
  }

  /** Stores a batch in one transaction, as it is generated and published as one batch. */
  async storeOneTimePreKeys(keys: readonly OneTimePreKeyPair[]): Promise<void> {
    await this.store(
      keys.map((key) => ({ kind: 'one-time', keyId: key.keyId, text: serializeOneTimePreKey(key) })),
    );
  }

  /** Ids of the one-time prekeys not used yet, to decide when to publish more. */
  async oneTimePreKeyIds(): Promise<number[]> {
    const range = this.context.keyRange.bound(['one-time'], ['one-time', Infinity]);
    const keys = await this.context.db.getAllKeys('preKeys', range as never);
    return keys.map(([, keyId]) => keyId);
  }

  /** Ids of the signed prekeys kept (the current one and any still in their grace period), ascending. */
  async signedPreKeyIds(): Promise<number[]> {
    const range = this.context.keyRange.bound(['signed'], ['signed', Infinity]);
    const keys = await this.context.db.getAllKeys('preKeys', range as never);
    return keys.map(([, keyId]) => keyId);
  }

  private async load(kind: PreKeyRow['kind'], keyId: number): Promise<string | undefined> {
    const row = await this.context.db.get('preKeys', [kind, keyId]);
    return row === undefined ? undefined : this.context.unwrapText(row.record);
  }

  private async store(
    records: readonly { kind: PreKeyRow['kind']; keyId: number; text: string }[],
  ): Promise<void> {
    const rows: PreKeyRow[] = [];
    for (const { kind, keyId, text } of records) {
      rows.push({ kind, keyId, record: await this.context.wrapText(text) });
    }
    await inTransaction(this.context.write(['preKeys']), async (tx) => {
      const store = tx.objectStore('preKeys');
      await Promise.all(rows.map((row) => store.put(row)));
    });
  }
}

export class IndexedDbSenderKeyStore implements SenderKeyStore {
  constructor(private readonly context: StorageContext) {}

  async loadSenderKey(groupId: string, sender: ProtocolAddress): Promise<string | undefined> {
    const row = await this.context.db.get('senderKeys', [groupId, sender.name, sender.deviceId]);
    return row === undefined ? undefined : this.context.unwrapText(row.record);
  }

  async storeSenderKey(groupId: string, sender: ProtocolAddress, record: string): Promise<void> {
    const wrapped = await this.context.wrapText(record);
    await inTransaction(this.context.write(['senderKeys']), async (tx) => {
      await tx
        .objectStore('senderKeys')
        .put({ groupId, name: sender.name, deviceId: sender.deviceId, record: wrapped });
    });
  }

  /** Every stored sender key record, unwrapped (to index the tags of sealed group messages). */
  async list(): Promise<{ groupId: string; sender: ProtocolAddress; record: string }[]> {
    const rows = await this.context.db.getAll('senderKeys');
    const out: { groupId: string; sender: ProtocolAddress; record: string }[] = [];
    for (const row of rows) {
      out.push({
        groupId: row.groupId,
        sender: { name: row.name, deviceId: row.deviceId },
        record: await this.context.unwrapText(row.record),
      });
    }
    return out;
  }

  /** Forgets every sender key of a group (after leaving it, or when members change and keys rotate). */
  async deleteGroup(groupId: string): Promise<void> {
    await inTransaction(this.context.write(['senderKeys']), async (tx) => {
      const store = tx.objectStore('senderKeys');
      const keys = await store.index('byGroup').getAllKeys(groupId);
      await Promise.all(keys.map((key) => store.delete(key)));
    });
  }
}
