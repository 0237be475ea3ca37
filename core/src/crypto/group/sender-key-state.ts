import { ParleyError } from '../../errors/index.js';
import { fromBase64Url, toBase64Url, utf8 } from '../../protocol/encoding.js';

/** One generation of one member's sender key for one group. */
export interface SenderKeyState {
  keyId: number;
  chainKey: Uint8Array;
  /** Index of the next message key the chain yields. */
  iteration: number;
  signingPublicKey: Uint8Array;
  /** Only in the sender's own state. */
  signingSecretKey?: Uint8Array;
  /** iteration → skipped message key and when it was skipped (ms). */
  skipped: Map<number, { messageKey: Uint8Array; at: number }>;
}

/** Newest first; older generations stay briefly so messages in flight across a rotation still decrypt. */
export interface SenderKeyRecord {
  states: SenderKeyState[];
}

export const MAX_SENDER_KEY_STATES = 3;

interface SerializedState {
  keyId: number;
  chainKey: string;
  iteration: number;
  signingPublicKey: string;
  signingSecretKey: string | null;
  skipped: [number, string, number][];
}

export function serializeSenderKeyRecord(record: SenderKeyRecord): string {
  const states: SerializedState[] = record.states.map((state) => ({
    keyId: state.keyId,
    chainKey: toBase64Url(state.chainKey),
    iteration: state.iteration,
    signingPublicKey: toBase64Url(state.signingPublicKey),
    signingSecretKey: state.signingSecretKey ? toBase64Url(state.signingSecretKey) : null,
    skipped: [...state.skipped].map(([iteration, key]) => [iteration, toBase64Url(key.messageKey), key.at]),
  }));
  return JSON.stringify({ version: 1, states });
}

export function deserializeSenderKeyRecord(text: string): SenderKeyRecord {
  try {
    const data = JSON.parse(text) as { version: number; states: SerializedState[] };
    if (data.version !== 1) throw new Error(`unknown sender key record version ${data.version}`);
    return {
      states: data.states.map((state) => {
        const restored: SenderKeyState = {
          keyId: state.keyId,
          chainKey: fromBase64Url(state.chainKey),
          iteration: state.iteration,
          signingPublicKey: fromBase64Url(state.signingPublicKey),
          skipped: new Map(
            state.skipped.map(([iteration, key, at]) => [iteration, { messageKey: fromBase64Url(key), at }]),
          ),
        };
        if (state.signingSecretKey !== null)
          restored.signingSecretKey = fromBase64Url(state.signingSecretKey);
        return restored;
      }),
    };
  } catch (cause) {
    throw new ParleyError('SESSION_NOT_FOUND', 'stored sender key is corrupt', { cause });
  }
}

/** What a member sends each other member over their pairwise session so they can read its group messages. */
export interface SenderKeyDistribution {
  groupId: string;
  keyId: number;
  iteration: number;
  chainKey: Uint8Array;
  signingPublicKey: Uint8Array;
}

export function encodeDistribution(distribution: SenderKeyDistribution): Uint8Array {
  return utf8(
    JSON.stringify({
      type: 'parley/sender-key-distribution/v1',
      groupId: distribution.groupId,
      keyId: distribution.keyId,
      iteration: distribution.iteration,
      chainKey: toBase64Url(distribution.chainKey),
      signingPublicKey: toBase64Url(distribution.signingPublicKey),
    }),
  );
}

export function decodeDistribution(bytes: Uint8Array): SenderKeyDistribution {
  try {
    const data = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes)) as Record<
      string,
      unknown
    >;
    const { type, groupId, keyId, iteration, chainKey, signingPublicKey } = data;
    if (
      type !== 'parley/sender-key-distribution/v1' ||
      typeof groupId !== 'string' ||
      typeof keyId !== 'number' ||
      !Number.isInteger(keyId) ||
      typeof iteration !== 'number' ||
      !Number.isInteger(iteration) ||
      iteration < 0 ||
      typeof chainKey !== 'string' ||
      typeof signingPublicKey !== 'string'
    ) {
      throw new Error('fields missing or of the wrong type');
    }
    const distribution = {
      groupId,
      keyId,
      iteration,
      chainKey: fromBase64Url(chainKey),
      signingPublicKey: fromBase64Url(signingPublicKey),
    };
    if (distribution.chainKey.length !== 32 || distribution.signingPublicKey.length !== 32) {
      throw new Error('keys must be 32 bytes');
    }
    return distribution;
  } catch (cause) {
    throw new ParleyError('BAD_REQUEST', 'malformed sender key distribution message', { cause });
  }
}
