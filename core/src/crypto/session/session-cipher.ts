import { ParleyError, isParleyError } from '../../errors/index.js';
import { PRIMARY_DEVICE_ID } from '../../protocol/devices.js';
import type { FetchedBundle } from '../../protocol/directory.js';
import { equalBytes, wipe } from '../bytes.js';
import { KeyedQueue } from '../keyed-queue.js';
import { verifyPublicIdentity, type PublicIdentity } from '../identity/identity.js';
import { checkDeviceTrust, requireDeviceKey, type TrustOutcome } from '../identity/trust.js';
import { resolveOptions, type CryptoContext, type CryptoOptions } from '../options.js';
import { openRatchetMessage, sealRatchetMessage } from '../ratchet/envelope.js';
import { encodeHeader, parseMessage, type ParsedMessage } from '../ratchet/message.js';
import {
  DEFAULT_RATCHET_LIMITS,
  initInitiator,
  initResponder,
  planReceive,
  ratchetSendStep,
  type RatchetLimits,
} from '../ratchet/ratchet.js';
import {
  addressKey,
  type IdentityStore,
  type PreKeyStore,
  type ProtocolAddress,
  type SessionStore,
} from '../stores.js';
import { verifyFetchedBundle } from '../x3dh/prekeys.js';
import { x3dhInitiate, x3dhRespond } from '../x3dh/x3dh.js';
import {
  deserializeSessionRecord,
  promoteState,
  serializeSessionRecord,
  type SessionRecord,
  type SessionState,
} from './session-record.js';

export interface SessionCipherStores {
  sessions: SessionStore;
  identities: IdentityStore;
  preKeys: PreKeyStore;
}

export interface SessionCipherOptions extends CryptoOptions {
  limits?: Partial<RatchetLimits>;
}

export interface DecryptedMessage {
  plaintext: Uint8Array;
  /** The sender's identity as bound into the session by X3DH. */
  sender: PublicIdentity;
  /** 'new' or 'changed' only on the message that set up the session; the UI warns on 'changed'. */
  trust: TrustOutcome;
}

/** Error codes in the order a multi-session decrypt reports them: the most specific wins. */
const ERROR_PRIORITY = ['DUPLICATE_MESSAGE', 'TOO_MANY_SKIPPED', 'DECRYPT_FAILED'] as const;

/**
 * Pairwise encryption with one peer device: X3DH to start, then the Double Ratchet. Every call loads the
 * record, works on it and stores it back, one call at a time per address, so an application may call it
 * from several places at once.
 */
export class SessionCipher {
  private readonly context: CryptoContext;
  private readonly limits: RatchetLimits;
  private readonly queue = new KeyedQueue();

  constructor(
    private readonly stores: SessionCipherStores,
    options: SessionCipherOptions = {},
  ) {
    this.context = resolveOptions(options);
    this.limits = { ...DEFAULT_RATCHET_LIMITS, ...options.limits };
  }

  /** Starts a session from a bundle fetched from the relay directory; the peer may be offline. */
  initiate(address: ProtocolAddress, bundle: FetchedBundle): Promise<TrustOutcome> {
    return this.serial(address, async () => {
      const verified = verifyFetchedBundle(this.context.backend, bundle);
      const trust = await checkDeviceTrust(
        this.stores.identities,
        address,
        verified.identity.identityKey,
        this.context.now(),
      );
      const local = await this.stores.identities.getLocalIdentity();
      const x3dh = x3dhInitiate(this.context, local, verified);
      const state: SessionState = {
        ratchet: initInitiator(this.context, x3dh.sharedKey, verified.signedPreKey),
        associatedData: x3dh.associatedData,
        remote: verified.identity,
        baseKey: x3dh.header.baseKey,
        pendingPreKey: x3dh.header,
      };
      wipe(x3dh.ephemeral.secretKey);
      const record = await this.load(address);
      promoteState(record, state);
      await this.save(address, record);
      return trust;
    });
  }

  hasSession(address: ProtocolAddress): Promise<boolean> {
    return this.serial(address, async () => (await this.load(address)).current !== null);
  }

  encrypt(address: ProtocolAddress, plaintext: Uint8Array): Promise<Uint8Array> {
    return this.encryptToPeer(address, plaintext).then(({ message }) => message);
  }

  /**
   * {@link encrypt}, also resolving the identity the session is bound to (whose identity DH key a sealed
   * envelope goes to), from the one record it loads.
   */
  encryptToPeer(
    address: ProtocolAddress,
    plaintext: Uint8Array,
  ): Promise<{ message: Uint8Array; remote: PublicIdentity }> {
    return this.serial(address, async () => {
      const record = await this.load(address);
      const state = record.current;
      if (!state) throw new ParleyError('SESSION_NOT_FOUND', `no session with ${addressKey(address)}`);
      const { header, messageKey } = ratchetSendStep(this.context, state.ratchet);
      const headerBytes = encodeHeader(header, state.pendingPreKey ?? undefined);
      const message = sealRatchetMessage(
        this.context.backend,
        messageKey,
        state.associatedData,
        headerBytes,
        plaintext,
      );
      wipe(messageKey);
      await this.save(address, record);
      return { message, remote: state.remote };
    });
  }

  /**
   * Decrypts a message from `address`. On any failure the stored session is left exactly as it was; a
   * replay fails with DUPLICATE_MESSAGE.
   */
  decrypt(address: ProtocolAddress, message: Uint8Array): Promise<DecryptedMessage> {
    return this.serial(address, async () => {
      const parsed = parseMessage(message);
      const record = await this.load(address);
      const existing = [record.current, ...record.previous].filter(
        (state): state is SessionState => state !== null,
      );
      let candidates = existing;
      let created: { state: SessionState; oneTimePreKeyId: number | undefined } | undefined;
      if (parsed.preKey) {
        const match = existing.find((state) =>
          equalBytes(state.baseKey, parsed.preKey?.baseKey ?? new Uint8Array()),
        );
        if (match) {
          candidates = [match];
        } else {
          created = await this.respond(address, parsed);
          candidates = [created.state];
        }
      }
      if (candidates.length === 0)
        throw new ParleyError('SESSION_NOT_FOUND', `no session with ${addressKey(address)}`);

      let failure: unknown;
      for (const state of candidates) {
        let plaintext: Uint8Array;
        try {
          const plan = planReceive(this.context, state.ratchet, parsed.header, this.limits);
          plaintext = openRatchetMessage(this.context.backend, plan.messageKey, state.associatedData, parsed);
          plan.commit();
        } catch (error) {
          failure = moreSpecific(failure, error);
          continue;
        }
        let trust: TrustOutcome = 'same';
        if (created) {
          trust = await checkDeviceTrust(
            this.stores.identities,
            address,
            state.remote.identityKey,
            this.context.now(),
          );
          if (created.oneTimePreKeyId !== undefined)
            await this.stores.preKeys.removeOneTimePreKey(created.oneTimePreKeyId);
        }
        state.pendingPreKey = null;
        promoteState(record, state);
        await this.save(address, record);
        return { plaintext, sender: state.remote, trust };
      }
      if (isParleyError(failure)) throw failure;
      throw new ParleyError('DECRYPT_FAILED', 'message does not decrypt', { cause: failure });
    });
  }

  /** Bob's side of X3DH from the header alone. Nothing is stored until the message decrypts. */
  private async respond(
    address: ProtocolAddress,
    parsed: ParsedMessage,
  ): Promise<{ state: SessionState; oneTimePreKeyId: number | undefined }> {
    const header = parsed.preKey;
    if (!header) throw new ParleyError('INTERNAL', 'respond() needs a prekey message');
    verifyPublicIdentity(this.context.backend, header.sender);
    // A linked device's key is not the account key: it must be listed, and the verified check is the list's.
    if (address.deviceId !== PRIMARY_DEVICE_ID) {
      await requireDeviceKey(this.stores.identities, address, header.sender.identityKey);
    }
    const known = await this.stores.identities.getTrusted(address.name);
    if (
      address.deviceId === PRIMARY_DEVICE_ID &&
      known?.verified &&
      !equalBytes(known.identityKey, header.sender.identityKey)
    ) {
      throw new ParleyError('UNTRUSTED_IDENTITY', `the verified identity key of ${address.name} has changed`);
    }
    const signedPreKey = await this.stores.preKeys.loadSignedPreKey(header.signedPreKeyId);
    if (!signedPreKey)
      throw new ParleyError('SESSION_NOT_FOUND', `signed prekey ${header.signedPreKeyId} is unknown`);
    let oneTimeKeyPair;
    if (header.oneTimePreKeyId !== undefined) {
      const oneTime = await this.stores.preKeys.loadOneTimePreKey(header.oneTimePreKeyId);
      if (!oneTime)
        throw new ParleyError(
          'SESSION_NOT_FOUND',
          `one-time prekey ${header.oneTimePreKeyId} was already used`,
        );
      oneTimeKeyPair = oneTime.keyPair;
    }
    const local = await this.stores.identities.getLocalIdentity();
    const x3dh = x3dhRespond(this.context, local, header, signedPreKey.keyPair, oneTimeKeyPair);
    return {
      state: {
        ratchet: initResponder(x3dh.sharedKey, {
          publicKey: signedPreKey.keyPair.publicKey.slice(),
          secretKey: signedPreKey.keyPair.secretKey.slice(),
        }),
        associatedData: x3dh.associatedData,
        remote: header.sender,
        baseKey: header.baseKey.slice(),
        pendingPreKey: null,
      },
      oneTimePreKeyId: header.oneTimePreKeyId,
    };
  }

  private async load(address: ProtocolAddress): Promise<SessionRecord> {
    const stored = await this.stores.sessions.loadSession(address);
    return stored === undefined ? { current: null, previous: [] } : deserializeSessionRecord(stored);
  }

  private async save(address: ProtocolAddress, record: SessionRecord): Promise<void> {
    await this.stores.sessions.storeSession(address, serializeSessionRecord(record));
  }

  private serial<T>(address: ProtocolAddress, task: () => Promise<T>): Promise<T> {
    return this.queue.run(addressKey(address), task);
  }
}

function moreSpecific(current: unknown, next: unknown): unknown {
  const rank = (error: unknown) => {
    const index = ERROR_PRIORITY.findIndex((code) => isParleyError(error, code));
    return index === -1 ? ERROR_PRIORITY.length : index;
  };
  return current === undefined || rank(next) < rank(current) ? next : current;
}
