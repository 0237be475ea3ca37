import { ParleyError } from '../../errors/index.js';
import { fromBase64Url, toBase64Url } from '../../protocol/encoding.js';
import type { PublicIdentity } from '../identity/identity.js';
import {
  deserializeRatchet,
  serializeRatchet,
  type RatchetState,
  type SerializedRatchetState,
} from '../ratchet/state.js';
import type { PreKeyHeader } from '../x3dh/x3dh.js';

export const SESSION_RECORD_VERSION = 1;
/** Older sessions kept so messages still in flight when the peer re-ran X3DH can be decrypted. */
export const MAX_PREVIOUS_SESSIONS = 4;

export interface SessionState {
  ratchet: RatchetState;
  associatedData: Uint8Array;
  remote: PublicIdentity;
  /** The initiator's X3DH ephemeral key: both sides name the session by it. */
  baseKey: Uint8Array;
  /** Set on the initiator until the first reply decrypts; every message carries it until then. */
  pendingPreKey: PreKeyHeader | null;
}

export interface SessionRecord {
  current: SessionState | null;
  previous: SessionState[];
}

interface SerializedPreKeyHeader {
  identityKey: string;
  identityDhKey: string;
  identityDhSignature: string;
  baseKey: string;
  signedPreKeyId: number;
  oneTimePreKeyId: number | null;
}

interface SerializedSessionState {
  ratchet: SerializedRatchetState;
  associatedData: string;
  remote: { identityKey: string; identityDhKey: string; identityDhSignature: string };
  baseKey: string;
  pendingPreKey: SerializedPreKeyHeader | null;
}

interface SerializedSessionRecord {
  version: number;
  current: SerializedSessionState | null;
  previous: SerializedSessionState[];
}

const identityOut = (identity: PublicIdentity) => ({
  identityKey: toBase64Url(identity.identityKey),
  identityDhKey: toBase64Url(identity.identityDhKey),
  identityDhSignature: toBase64Url(identity.identityDhSignature),
});
const identityIn = (data: SerializedSessionState['remote']): PublicIdentity => ({
  identityKey: fromBase64Url(data.identityKey),
  identityDhKey: fromBase64Url(data.identityDhKey),
  identityDhSignature: fromBase64Url(data.identityDhSignature),
});

function stateOut(state: SessionState): SerializedSessionState {
  const pending = state.pendingPreKey;
  return {
    ratchet: serializeRatchet(state.ratchet),
    associatedData: toBase64Url(state.associatedData),
    remote: identityOut(state.remote),
    baseKey: toBase64Url(state.baseKey),
    pendingPreKey: pending
      ? {
          ...identityOut(pending.sender),
          baseKey: toBase64Url(pending.baseKey),
          signedPreKeyId: pending.signedPreKeyId,
          oneTimePreKeyId: pending.oneTimePreKeyId ?? null,
        }
      : null,
  };
}

function stateIn(data: SerializedSessionState): SessionState {
  const pending = data.pendingPreKey;
  let pendingPreKey: PreKeyHeader | null = null;
  if (pending) {
    pendingPreKey = {
      sender: identityIn(pending),
      baseKey: fromBase64Url(pending.baseKey),
      signedPreKeyId: pending.signedPreKeyId,
    };
    if (pending.oneTimePreKeyId !== null) pendingPreKey.oneTimePreKeyId = pending.oneTimePreKeyId;
  }
  return {
    ratchet: deserializeRatchet(data.ratchet),
    associatedData: fromBase64Url(data.associatedData),
    remote: identityIn(data.remote),
    baseKey: fromBase64Url(data.baseKey),
    pendingPreKey,
  };
}

/** A JSON string with every byte string as unpadded base64url; restores to an identical record. */
export function serializeSessionRecord(record: SessionRecord): string {
  const data: SerializedSessionRecord = {
    version: SESSION_RECORD_VERSION,
    current: record.current ? stateOut(record.current) : null,
    previous: record.previous.map(stateOut),
  };
  return JSON.stringify(data);
}

export function deserializeSessionRecord(text: string): SessionRecord {
  let data: SerializedSessionRecord;
  try {
    data = JSON.parse(text) as SerializedSessionRecord;
  } catch (cause) {
    throw new ParleyError('SESSION_NOT_FOUND', 'stored session is not JSON', { cause });
  }
  if (data.version !== SESSION_RECORD_VERSION) {
    throw new ParleyError('SESSION_NOT_FOUND', `unknown session record version ${String(data.version)}`);
  }
  try {
    return { current: data.current ? stateIn(data.current) : null, previous: data.previous.map(stateIn) };
  } catch (cause) {
    if (cause instanceof ParleyError) throw cause;
    throw new ParleyError('SESSION_NOT_FOUND', 'stored session is corrupt', { cause });
  }
}

/** Makes `state` current and keeps the one it replaces (if any) among the previous sessions. */
export function promoteState(record: SessionRecord, state: SessionState): void {
  const rest = record.previous.filter((old) => old !== state);
  if (record.current && record.current !== state) rest.unshift(record.current);
  record.current = state;
  record.previous = rest.slice(0, MAX_PREVIOUS_SESSIONS);
}

/**
 * A record restored from a backup: every state loses its sending chain. The device the backup came from may
 * have sent further on those chains after the backup was made; sending on them again would reuse message keys
 * and nonces. Receiving still works (messages in flight decrypt), a DH ratchet step the peer starts gives a
 * state a fresh sending chain, and until then encrypting fails with SESSION_NOT_FOUND, so the caller starts a
 * new session from a fresh bundle.
 */
export function retireSendingChains(text: string): string {
  const record = deserializeSessionRecord(text);
  for (const state of [record.current, ...record.previous]) if (state) state.ratchet.send = null;
  return serializeSessionRecord(record);
}
