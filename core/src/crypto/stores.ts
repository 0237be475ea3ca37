import type { IdentityKeyPair } from './identity/identity.js';
import type { OneTimePreKeyPair, SignedPreKeyPair } from './x3dh/prekeys.js';

/**
 * One device of one account (Signal's Sesame): sessions, trust and sender keys are keyed by it from the
 * start, so linked devices can be added on top without changing this layer.
 */
export interface ProtocolAddress {
  /** The account's identity string (identityString of its identity key). */
  name: string;
  deviceId: number;
}

export function addressKey(address: ProtocolAddress): string {
  return `${address.name}.${address.deviceId}`;
}

/** Stores see only serialised records (plain JSON), so any of them can persist what they are given. */
export interface SessionStore {
  loadSession(address: ProtocolAddress): Promise<string | undefined>;
  storeSession(address: ProtocolAddress, record: string): Promise<void>;
  deleteSession(address: ProtocolAddress): Promise<void>;
}

export interface TrustedIdentity {
  identityKey: Uint8Array;
  /** Set when the user compared safety numbers; a change of a verified key blocks until re-verified. */
  verified: boolean;
  firstSeen: number;
}

export interface IdentityStore {
  getLocalIdentity(): Promise<IdentityKeyPair>;
  /** Keyed by account name: all devices of an account are checked against the same trust decision. */
  getTrusted(name: string): Promise<TrustedIdentity | undefined>;
  saveTrusted(name: string, identity: TrustedIdentity): Promise<void>;
  /**
   * Linked devices: the identity key that account `name`'s verified signed device list names under
   * `deviceId` (docs/crypto.md "Linked devices"). A store without it knows no lists, so only primaries
   * (device 1, whose key is the account key) are accepted.
   */
  listedDeviceKey?(name: string, deviceId: number): Promise<Uint8Array | undefined>;
}

export interface PreKeyStore {
  loadSignedPreKey(keyId: number): Promise<SignedPreKeyPair | undefined>;
  loadOneTimePreKey(keyId: number): Promise<OneTimePreKeyPair | undefined>;
  removeOneTimePreKey(keyId: number): Promise<void>;
}

export interface SenderKeyStore {
  loadSenderKey(groupId: string, sender: ProtocolAddress): Promise<string | undefined>;
  storeSenderKey(groupId: string, sender: ProtocolAddress, record: string): Promise<void>;
}

export class InMemorySessionStore implements SessionStore {
  private readonly records = new Map<string, string>();
  async loadSession(address: ProtocolAddress) {
    return this.records.get(addressKey(address));
  }
  async storeSession(address: ProtocolAddress, record: string) {
    this.records.set(addressKey(address), record);
  }
  async deleteSession(address: ProtocolAddress) {
    this.records.delete(addressKey(address));
  }
}

export class InMemoryIdentityStore implements IdentityStore {
  private readonly trusted = new Map<string, TrustedIdentity>();
  constructor(private readonly local: IdentityKeyPair) {}
  async getLocalIdentity() {
    return this.local;
  }
  async getTrusted(name: string) {
    const found = this.trusted.get(name);
    return found ? { ...found, identityKey: found.identityKey.slice() } : undefined;
  }
  async saveTrusted(name: string, identity: TrustedIdentity) {
    this.trusted.set(name, { ...identity, identityKey: identity.identityKey.slice() });
  }
  /** Linked devices' keys as a verified list names them, by addressKey (tests set them directly). */
  readonly listed = new Map<string, Uint8Array>();
  async listedDeviceKey(name: string, deviceId: number) {
    return this.listed.get(addressKey({ name, deviceId }))?.slice();
  }
}

export class InMemoryPreKeyStore implements PreKeyStore {
  readonly signed = new Map<number, SignedPreKeyPair>();
  readonly oneTime = new Map<number, OneTimePreKeyPair>();
  constructor(signed: SignedPreKeyPair[] = [], oneTime: OneTimePreKeyPair[] = []) {
    for (const key of signed) this.signed.set(key.keyId, key);
    for (const key of oneTime) this.oneTime.set(key.keyId, key);
  }
  async loadSignedPreKey(keyId: number) {
    return this.signed.get(keyId);
  }
  async loadOneTimePreKey(keyId: number) {
    return this.oneTime.get(keyId);
  }
  async removeOneTimePreKey(keyId: number) {
    this.oneTime.delete(keyId);
  }
}

export class InMemorySenderKeyStore implements SenderKeyStore {
  private readonly records = new Map<string, string>();
  async loadSenderKey(groupId: string, sender: ProtocolAddress) {
    return this.records.get(`${groupId}/${addressKey(sender)}`);
  }
  async storeSenderKey(groupId: string, sender: ProtocolAddress, record: string) {
    this.records.set(`${groupId}/${addressKey(sender)}`, record);
  }
}
