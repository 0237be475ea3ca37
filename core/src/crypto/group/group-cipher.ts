import nacl from 'tweetnacl';
import { ParleyError } from '../../errors/index.js';
import { concatBytes, uint32be, utf8 } from '../../protocol/encoding.js';
import { ByteReader, readUint32 } from '../bytes.js';
import { verifySignature } from '../identity/strict-verify.js';
import { KeyedQueue } from '../keyed-queue.js';
import { KDF_LABELS } from '../kdf/labels.js';
import { resolveOptions, type CryptoContext, type CryptoOptions } from '../options.js';
import { kdfChain } from '../ratchet/kdf-chain.js';
import { senderKeyTag } from './sender-key-tag.js';
import type { ProtocolAddress, SenderKeyStore } from '../stores.js';
import {
  MAX_SENDER_KEY_STATES,
  decodeDistribution,
  deserializeSenderKeyRecord,
  encodeDistribution,
  serializeSenderKeyRecord,
  type SenderKeyRecord,
  type SenderKeyState,
} from './sender-key-state.js';

const GROUP_MESSAGE_VERSION = 1;
const SIGNATURE_LENGTH = 64;

export interface GroupCipherOptions extends CryptoOptions {
  maxSkip?: number;
  maxSkippedKeys?: number;
  skippedKeyLifetimeMs?: number;
}

/** What the sender signs: label ‖ 0x00 ‖ len(groupId) ‖ groupId ‖ the message up to its signature. */
function signedBytes(groupId: string, body: Uint8Array): Uint8Array {
  const id = utf8(groupId);
  return concatBytes(KDF_LABELS.senderKeyMessage, new Uint8Array([0]), uint32be(id.length), id, body);
}

/**
 * Sender keys (Signal's groups v1 design): each member encrypts once for the whole group with its own
 * chain, signs with its own group signing key, and hands the chain to each member over their pairwise
 * session. Removing a member means every remaining member rotates and redistributes to the rest only.
 */
export class GroupCipher {
  private readonly context: CryptoContext;
  private readonly maxSkip: number;
  private readonly maxSkippedKeys: number;
  private readonly lifetime: number;
  private readonly queue = new KeyedQueue();

  constructor(
    private readonly store: SenderKeyStore,
    private readonly self: ProtocolAddress,
    options: GroupCipherOptions = {},
  ) {
    this.context = resolveOptions(options);
    this.maxSkip = options.maxSkip ?? 1000;
    this.maxSkippedKeys = options.maxSkippedKeys ?? 2000;
    this.lifetime = options.skippedKeyLifetimeMs ?? 30 * 24 * 60 * 60 * 1000;
  }

  /** The distribution message for our current sender key, creating one if this group has none yet. */
  distribution(groupId: string): Promise<Uint8Array> {
    return this.queue.run(groupId, () => this.currentDistribution(groupId));
  }

  private async currentDistribution(groupId: string): Promise<Uint8Array> {
    const record = await this.load(groupId, this.self);
    let state = record.states[0];
    if (!state) {
      state = this.newOwnState();
      record.states.unshift(state);
      await this.save(groupId, this.self, record);
    }
    return encodeDistribution({
      groupId,
      keyId: state.keyId,
      iteration: state.iteration,
      chainKey: state.chainKey,
      signingPublicKey: state.signingPublicKey,
    });
  }

  /** A fresh chain and signing key: call when a member leaves or is removed, then redistribute. */
  rotate(groupId: string): Promise<Uint8Array> {
    return this.queue.run(groupId, async () => {
      const record = await this.load(groupId, this.self);
      // Our own old chains are of no further use to us: keep none, so a leaked device state holds only the new one.
      record.states = [this.newOwnState()];
      await this.save(groupId, this.self, record);
      return this.currentDistribution(groupId);
    });
  }

  /** Installs a member's sender key received over the pairwise session with `sender`. */
  processDistribution(sender: ProtocolAddress, bytes: Uint8Array): Promise<string> {
    const distribution = decodeDistribution(bytes);
    return this.queue.run(distribution.groupId, async () => {
      const record = await this.load(distribution.groupId, sender);
      const known = record.states.find((state) => state.keyId === distribution.keyId);
      if (known) return distribution.groupId; // never rewind a chain we already follow
      record.states.unshift({
        keyId: distribution.keyId,
        chainKey: distribution.chainKey,
        iteration: distribution.iteration,
        signingPublicKey: distribution.signingPublicKey,
        skipped: new Map(),
      });
      record.states = record.states.slice(0, MAX_SENDER_KEY_STATES);
      await this.save(distribution.groupId, sender, record);
      return distribution.groupId;
    });
  }

  /** version(1) ‖ keyId(u32) ‖ iteration(u32) ‖ secretbox ‖ Ed25519 signature(64). */
  async encrypt(groupId: string, plaintext: Uint8Array): Promise<Uint8Array> {
    return (await this.encryptTagged(groupId, plaintext)).message;
  }

  /**
   * Like {@link encrypt}, also returning the tag of the sender key generation that encrypted it
   * (sender-key-tag.ts): what a sealed group message carries instead of naming its sender.
   */
  encryptTagged(groupId: string, plaintext: Uint8Array): Promise<{ tag: Uint8Array; message: Uint8Array }> {
    return this.queue.run(groupId, async () => {
      const record = await this.load(groupId, this.self);
      const state = record.states[0];
      if (!state?.signingSecretKey)
        throw new ParleyError('SESSION_NOT_FOUND', `no sender key for group ${groupId}`);
      const { messageKey, chainKey } = kdfChain(this.context.backend, state.chainKey);
      const head = concatBytes(
        new Uint8Array([GROUP_MESSAGE_VERSION]),
        uint32be(state.keyId),
        uint32be(state.iteration),
      );
      const box = this.context.backend.secretbox(
        plaintext,
        messageKey.subarray(32, 56),
        messageKey.subarray(0, 32),
      );
      const body = concatBytes(head, box);
      const signature = nacl.sign.detached(signedBytes(groupId, body), state.signingSecretKey);
      state.chainKey = chainKey;
      state.iteration += 1;
      await this.save(groupId, this.self, record);
      const tag = senderKeyTag(this.context.backend, groupId, state.signingPublicKey);
      return { tag, message: concatBytes(body, signature) };
    });
  }

  decrypt(groupId: string, sender: ProtocolAddress, message: Uint8Array): Promise<Uint8Array> {
    return this.queue.run(groupId, async () => {
      if (message.length < 9 + 16 + SIGNATURE_LENGTH)
        throw new ParleyError('DECRYPT_FAILED', 'group message is truncated');
      const body = message.subarray(0, message.length - SIGNATURE_LENGTH);
      const signature = message.subarray(message.length - SIGNATURE_LENGTH);
      const reader = new ByteReader(body, 'DECRYPT_FAILED', 'group message');
      if (reader.u8() !== GROUP_MESSAGE_VERSION)
        throw new ParleyError('DECRYPT_FAILED', 'unknown group message version');
      const keyId = reader.u32();
      const iteration = reader.u32();
      const box = reader.rest();

      const record = await this.load(groupId, sender);
      const state = record.states.find((candidate) => candidate.keyId === keyId);
      if (!state)
        throw new ParleyError(
          'SESSION_NOT_FOUND',
          `no sender key ${keyId} from this member for group ${groupId}`,
        );
      if (
        !verifySignature(this.context.backend, signedBytes(groupId, body), signature, state.signingPublicKey)
      ) {
        throw new ParleyError('INVALID_SIGNATURE', 'group message signature does not verify');
      }
      const { messageKey, commit } = this.planKey(state, iteration);
      const plaintext = this.context.backend.secretboxOpen(
        box,
        messageKey.subarray(32, 56),
        messageKey.subarray(0, 32),
      );
      if (!plaintext) throw new ParleyError('DECRYPT_FAILED', 'group message does not decrypt');
      commit();
      await this.save(groupId, sender, record);
      return plaintext;
    });
  }

  private planKey(state: SenderKeyState, iteration: number): { messageKey: Uint8Array; commit(): void } {
    const now = this.context.now();
    if (iteration < state.iteration) {
      const skipped = state.skipped.get(iteration);
      if (!skipped) throw new ParleyError('DUPLICATE_MESSAGE', 'this group message was already decrypted');
      if (skipped.at < now - this.lifetime)
        throw new ParleyError('DECRYPT_FAILED', 'the key for this group message expired');
      return { messageKey: skipped.messageKey, commit: () => void state.skipped.delete(iteration) };
    }
    if (iteration - state.iteration > this.maxSkip) {
      throw new ParleyError(
        'TOO_MANY_SKIPPED',
        `group message would skip ${iteration - state.iteration} keys`,
      );
    }
    const staged: [number, Uint8Array][] = [];
    let chainKey = state.chainKey;
    for (let i = state.iteration; i < iteration; i++) {
      const step = kdfChain(this.context.backend, chainKey);
      staged.push([i, step.messageKey]);
      chainKey = step.chainKey;
    }
    const last = kdfChain(this.context.backend, chainKey);
    return {
      messageKey: last.messageKey,
      commit: () => {
        for (const [i, messageKey] of staged) state.skipped.set(i, { messageKey, at: now });
        for (const [i, key] of state.skipped) {
          if (state.skipped.size > this.maxSkippedKeys || key.at < now - this.lifetime)
            state.skipped.delete(i);
          else break;
        }
        state.chainKey = last.chainKey;
        state.iteration = iteration + 1;
      },
    };
  }

  private newOwnState(): SenderKeyState {
    const signing = nacl.sign.keyPair.fromSeed(this.context.randomBytes(32));
    const keyIdBytes = this.context.randomBytes(4);
    return {
      keyId: readUint32(keyIdBytes, 0),
      chainKey: this.context.randomBytes(32),
      iteration: 0,
      signingPublicKey: signing.publicKey,
      signingSecretKey: signing.secretKey,
      skipped: new Map(),
    };
  }

  private async load(groupId: string, sender: ProtocolAddress): Promise<SenderKeyRecord> {
    const stored = await this.store.loadSenderKey(groupId, sender);
    return stored === undefined ? { states: [] } : deserializeSenderKeyRecord(stored);
  }

  private async save(groupId: string, sender: ProtocolAddress, record: SenderKeyRecord): Promise<void> {
    await this.store.storeSenderKey(groupId, sender, serializeSenderKeyRecord(record));
  }
}
