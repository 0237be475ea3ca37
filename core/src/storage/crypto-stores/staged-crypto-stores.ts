import {
  addressKey,
  type IdentityStore,
  type PreKeyStore,
  type ProtocolAddress,
  type SenderKeyStore,
  type SessionStore,
  type TrustedIdentity,
} from '../../crypto/index.js';

/** The crypto state one decryption changed, to be committed together with the message it produced. */
export interface CryptoChanges {
  /** `record: null` deletes the session. */
  readonly sessions: readonly { readonly address: ProtocolAddress; readonly record: string | null }[];
  readonly removedOneTimePreKeys: readonly number[];
  readonly trusted: readonly { readonly name: string; readonly identity: TrustedIdentity }[];
  /** Group sender-key records (a group message advances its sender's chain). */
  readonly senderKeys?: readonly {
    readonly groupId: string;
    readonly sender: ProtocolAddress;
    readonly record: string;
  }[];
}

/**
 * Session, identity, prekey and sender-key stores that read through to the real ones but keep every write in memory, so
 * that SessionCipher.decrypt (or GroupCipher.decrypt) changes nothing on disk by itself; ClientDatabase.commitIncoming then writes
 * `changes()` and the decrypted message in one transaction. Use one stage per incoming message, and decrypt +
 * commit one message per peer device at a time (two stages over the same session would each start from the
 * same stored state).
 */
export class StagedCryptoStores {
  private readonly stagedSessions = new Map<string, { address: ProtocolAddress; record: string | null }>();
  private readonly removedPreKeys = new Set<number>();
  private readonly stagedTrust = new Map<string, TrustedIdentity>();
  private readonly stagedSenderKeys = new Map<
    string,
    { groupId: string; sender: ProtocolAddress; record: string }
  >();

  readonly sessions: SessionStore;
  readonly identities: IdentityStore;
  readonly preKeys: PreKeyStore;
  readonly senderKeys: SenderKeyStore;

  constructor(base: {
    sessions: SessionStore;
    identities: IdentityStore;
    preKeys: PreKeyStore;
    senderKeys: SenderKeyStore;
  }) {
    const { stagedSessions, removedPreKeys, stagedTrust, stagedSenderKeys } = this;
    // JSON of the pair cannot collide, whatever characters a group id contains.
    const senderKeyId = (groupId: string, sender: ProtocolAddress) =>
      JSON.stringify([groupId, addressKey(sender)]);
    this.sessions = {
      async loadSession(address) {
        const staged = stagedSessions.get(addressKey(address));
        if (staged !== undefined) return staged.record ?? undefined;
        return base.sessions.loadSession(address);
      },
      async storeSession(address, record) {
        stagedSessions.set(addressKey(address), { address: { ...address }, record });
      },
      async deleteSession(address) {
        stagedSessions.set(addressKey(address), { address: { ...address }, record: null });
      },
    };
    this.identities = {
      getLocalIdentity: () => base.identities.getLocalIdentity(),
      async getTrusted(name) {
        return stagedTrust.get(name) ?? base.identities.getTrusted(name);
      },
      async saveTrusted(name, identity) {
        stagedTrust.set(name, { ...identity, identityKey: identity.identityKey.slice() });
      },
      listedDeviceKey: (name, deviceId) =>
        base.identities.listedDeviceKey?.(name, deviceId) ?? Promise.resolve(undefined),
    };
    this.preKeys = {
      loadSignedPreKey: (keyId) => base.preKeys.loadSignedPreKey(keyId),
      async loadOneTimePreKey(keyId) {
        return removedPreKeys.has(keyId) ? undefined : base.preKeys.loadOneTimePreKey(keyId);
      },
      async removeOneTimePreKey(keyId) {
        removedPreKeys.add(keyId);
      },
    };
    this.senderKeys = {
      async loadSenderKey(groupId, sender) {
        const staged = stagedSenderKeys.get(senderKeyId(groupId, sender));
        return staged !== undefined ? staged.record : base.senderKeys.loadSenderKey(groupId, sender);
      },
      async storeSenderKey(groupId, sender, record) {
        stagedSenderKeys.set(senderKeyId(groupId, sender), { groupId, sender: { ...sender }, record });
      },
    };
  }

  changes(): CryptoChanges {
    return {
      sessions: [...this.stagedSessions.values()],
      removedOneTimePreKeys: [...this.removedPreKeys],
      trusted: [...this.stagedTrust].map(([name, identity]) => ({ name, identity })),
      senderKeys: [...this.stagedSenderKeys.values()],
    };
  }
}
