import { ParleyError } from '../../errors/index.js';
import { fromBase64Url, toBase64Url } from '../../protocol/encoding.js';
import type { DhKeyPair } from '../identity/dh.js';

export interface ChainState {
  key: Uint8Array;
  /** Index of the next message key this chain yields. */
  n: number;
}

export interface SkippedKey {
  messageKey: Uint8Array;
  /** When it was skipped (ms); it expires `skippedKeyLifetimeMs` later. */
  at: number;
}

/** The Double Ratchet state of one session (Signal's spec, §3.2), in memory. */
export interface RatchetState {
  rootKey: Uint8Array;
  dhSelf: DhKeyPair;
  dhRemote: Uint8Array | null;
  send: ChainState | null;
  recv: ChainState | null;
  /** Length of the previous sending chain. */
  pn: number;
  /** `${base64url(dh)}:${n}` → key, oldest first. */
  skipped: Map<string, SkippedKey>;
  /**
   * Next expected index of each recently seen receiving chain, oldest first: an index below it whose key
   * is not in `skipped` was already decrypted, so a replay is reported as DUPLICATE_MESSAGE.
   */
  chains: Map<string, number>;
  /** Ids of skipped keys dropped by expiry or by the cap: reported as DECRYPT_FAILED, not as duplicates. */
  forgotten: string[];
}

export interface SerializedRatchetState {
  rootKey: string;
  dhSelf: { publicKey: string; secretKey: string };
  dhRemote: string | null;
  send: { key: string; n: number } | null;
  recv: { key: string; n: number } | null;
  pn: number;
  skipped: [string, string, number][];
  chains: [string, number][];
  forgotten: string[];
}

export function skippedKeyId(dh: Uint8Array, n: number): string {
  return `${toBase64Url(dh)}:${n}`;
}

const chainOut = (chain: ChainState | null) => (chain ? { key: toBase64Url(chain.key), n: chain.n } : null);
const chainIn = (chain: { key: string; n: number } | null) =>
  chain ? { key: fromBase64Url(chain.key), n: chain.n } : null;

export function serializeRatchet(state: RatchetState): SerializedRatchetState {
  return {
    rootKey: toBase64Url(state.rootKey),
    dhSelf: {
      publicKey: toBase64Url(state.dhSelf.publicKey),
      secretKey: toBase64Url(state.dhSelf.secretKey),
    },
    dhRemote: state.dhRemote ? toBase64Url(state.dhRemote) : null,
    send: chainOut(state.send),
    recv: chainOut(state.recv),
    pn: state.pn,
    skipped: [...state.skipped].map(([id, key]) => [id, toBase64Url(key.messageKey), key.at]),
    chains: [...state.chains],
    forgotten: [...state.forgotten],
  };
}

export function deserializeRatchet(data: SerializedRatchetState): RatchetState {
  try {
    return {
      rootKey: fromBase64Url(data.rootKey),
      dhSelf: {
        publicKey: fromBase64Url(data.dhSelf.publicKey),
        secretKey: fromBase64Url(data.dhSelf.secretKey),
      },
      dhRemote: data.dhRemote === null ? null : fromBase64Url(data.dhRemote),
      send: chainIn(data.send),
      recv: chainIn(data.recv),
      pn: data.pn,
      skipped: new Map(data.skipped.map(([id, key, at]) => [id, { messageKey: fromBase64Url(key), at }])),
      chains: new Map(data.chains),
      forgotten: [...data.forgotten],
    };
  } catch (cause) {
    throw new ParleyError('SESSION_NOT_FOUND', 'stored ratchet state is corrupt', { cause });
  }
}
