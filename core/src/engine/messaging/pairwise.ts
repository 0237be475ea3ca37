import { ParleyError, isParleyError } from '../../errors/index.js';
import {
  SessionCipher,
  addressKey,
  identityString,
  openSealed,
  parseIdentityString,
  sealToRecipient,
  type CryptoOptions,
  type IdentityKeyPair,
  type ProtocolAddress,
  type PublicIdentity,
  type TrustOutcome,
} from '../../crypto/index.js';
import type { FetchedBundle } from '../../protocol/directory.js';
import type { ClientDatabase, StagedCryptoStores } from '../../storage/index.js';
import { equalBytes } from '../shared/bytes.js';
import type { SerialQueue } from '../shared/serial-queue.js';

export interface OpenedEnvelope {
  readonly sender: ProtocolAddress;
  readonly plaintext: Uint8Array;
  readonly trust: TrustOutcome;
  /**
   * The staged stores the message was decrypted on: further crypto for the same message (a sender key it
   * carries) goes here too, then `stage.changes()` is committed with the message.
   */
  readonly stage: StagedCryptoStores;
}

/**
 * One-to-one encryption: the Double Ratchet inside sealed sender, so the relay never learns who sent a
 * blob. Every encrypt and every decrypt+commit for one peer device runs in that device's slot of the shared
 * queue: two operations starting from the same stored session would reuse or lose a ratchet step.
 */
export class Pairwise {
  constructor(
    private readonly db: ClientDatabase,
    private readonly local: IdentityKeyPair,
    /** This device as (account, device): a linked device's envelopes name the account (sealed sender v2). */
    private readonly self: ProtocolAddress,
    private readonly queue: SerialQueue,
    private readonly crypto: CryptoOptions,
    private readonly fetchBundle: (address: ProtocolAddress) => Promise<FetchedBundle>,
    /** Throws UNTRUSTED_IDENTITY unless the account's verified list names this key (fetching it if new). */
    private readonly ensureListed: (address: ProtocolAddress, identityKey: Uint8Array) => Promise<void>,
  ) {}

  /** Encrypts `plaintext` for `to`, starting a session from its prekey bundle if there is none. */
  seal(to: ProtocolAddress, plaintext: Uint8Array): Promise<Uint8Array> {
    return this.queue.run(addressKey(to), async () => {
      const cipher = new SessionCipher(this.db, this.crypto);
      let encrypted: { message: Uint8Array; remote: PublicIdentity };
      try {
        encrypted = await cipher.encryptToPeer(to, plaintext);
      } catch (error) {
        if (!isParleyError(error, 'SESSION_NOT_FOUND')) throw error;
        await cipher.initiate(to, await this.fetchBundle(to));
        encrypted = await cipher.encryptToPeer(to, plaintext);
      }
      const { message, remote } = encrypted;
      const account = parseIdentityString(this.self.name);
      return sealToRecipient(
        this.local,
        this.self.deviceId,
        remote.identityDhKey,
        message,
        this.crypto,
        account,
      );
    });
  }

  /**
   * Opens a sealed envelope and decrypts it on staged stores, then runs `commit` with the result while the
   * sender's slot is still held, so the next message from that device sees the committed session.
   */
  async open<T>(envelope: Uint8Array, commit: (opened: OpenedEnvelope) => Promise<T>): Promise<T> {
    const { sender, content } = openSealed(this.local, envelope, this.crypto);
    const address = { name: identityString(sender.account), deviceId: sender.deviceId };
    return this.queue.run(addressKey(address), async () => {
      // Every message, not only the one that starts a session: a device its account has since removed
      // from its signed list keeps its session here, and must not be heard any more.
      await this.ensureListed(address, sender.identity.identityKey);
      const stage = this.db.stageCrypto();
      const decrypted = await new SessionCipher(stage, this.crypto).decrypt(address, content);
      if (!equalBytes(decrypted.sender.identityKey, sender.identity.identityKey)) {
        throw new ParleyError('UNTRUSTED_IDENTITY', 'sealed sender and session identity differ');
      }
      return commit({ sender: address, plaintext: decrypted.plaintext, trust: decrypted.trust, stage });
    });
  }
}
