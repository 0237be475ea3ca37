import { ParleyError } from '../../errors/index.js';
import { toBase64Url } from '../../protocol/encoding.js';
import { equalBytes } from '../bytes.js';
import { generateDhKeyPair, x25519, type DhKeyPair } from '../identity/dh.js';
import type { CryptoContext } from '../options.js';
import { kdfChain, kdfRoot } from './kdf-chain.js';
import type { RatchetHeader } from './message.js';
import { skippedKeyId, type ChainState, type RatchetState, type SkippedKey } from './state.js';

export interface RatchetLimits {
  /** Most message keys one message may make us skip (and store) in one chain. */
  maxSkipPerChain: number;
  /** Most skipped keys held per session; the oldest go first. */
  maxSkippedTotal: number;
  /** A skipped key older than this is deleted: a message delayed longer is lost rather than decryptable forever. */
  skippedKeyLifetimeMs: number;
  /** Receiving chains remembered for duplicate detection. */
  maxRememberedChains: number;
}

export const DEFAULT_RATCHET_LIMITS: RatchetLimits = {
  maxSkipPerChain: 1000,
  maxSkippedTotal: 2000,
  skippedKeyLifetimeMs: 30 * 24 * 60 * 60 * 1000,
  maxRememberedChains: 32,
};

/** Alice, right after X3DH: she can send at once, to Bob's signed prekey as his first ratchet key. */
export function initInitiator(
  context: CryptoContext,
  sharedKey: Uint8Array,
  remoteRatchetKey: Uint8Array,
): RatchetState {
  const dhSelf = generateDhKeyPair(context);
  const { rootKey, chainKey } = kdfRoot(
    context.backend,
    sharedKey,
    x25519(context.backend, dhSelf.secretKey, remoteRatchetKey),
  );
  return {
    rootKey,
    dhSelf,
    dhRemote: remoteRatchetKey,
    send: { key: chainKey, n: 0 },
    recv: null,
    pn: 0,
    skipped: new Map(),
    chains: new Map(),
    forgotten: [],
  };
}

/** Bob: his signed prekey is his first ratchet key pair; he can send once Alice's first message arrives. */
export function initResponder(sharedKey: Uint8Array, signedPreKey: DhKeyPair): RatchetState {
  return {
    rootKey: sharedKey,
    dhSelf: signedPreKey,
    dhRemote: null,
    send: null,
    recv: null,
    pn: 0,
    skipped: new Map(),
    chains: new Map(),
    forgotten: [],
  };
}

/** Advances the sending chain. The caller encrypts with the returned key and then forgets it. */
export function ratchetSendStep(
  context: CryptoContext,
  state: RatchetState,
): { header: RatchetHeader; messageKey: Uint8Array } {
  if (!state.send)
    throw new ParleyError('SESSION_NOT_FOUND', 'this session cannot send before it has received');
  const { messageKey, chainKey } = kdfChain(context.backend, state.send.key);
  const header = { dh: state.dhSelf.publicKey, pn: state.pn, n: state.send.n };
  state.send = { key: chainKey, n: state.send.n + 1 };
  return { header, messageKey };
}

/** The key for a received header, and the changes to apply only if decryption with it succeeds. */
export interface ReceivePlan {
  messageKey: Uint8Array;
  commit(): void;
}

function skipKeys(
  context: CryptoContext,
  limits: RatchetLimits,
  chain: ChainState,
  dh: Uint8Array,
  until: number,
  into: [string, SkippedKey][],
): ChainState {
  if (until - chain.n > limits.maxSkipPerChain) {
    throw new ParleyError('TOO_MANY_SKIPPED', `message would skip ${until - chain.n} keys in one chain`);
  }
  let current = chain;
  const at = context.now();
  while (current.n < until) {
    const { messageKey, chainKey } = kdfChain(context.backend, current.key);
    into.push([skippedKeyId(dh, current.n), { messageKey, at }]);
    current = { key: chainKey, n: current.n + 1 };
  }
  return current;
}

function remember(state: RatchetState, limits: RatchetLimits, dh: string, next: number): void {
  state.chains.delete(dh);
  state.chains.set(dh, next);
  while (state.chains.size > limits.maxRememberedChains) {
    const oldest = state.chains.keys().next().value;
    if (oldest === undefined) break;
    state.chains.delete(oldest);
  }
}

function forget(state: RatchetState, limits: RatchetLimits, id: string): void {
  state.skipped.delete(id);
  state.forgotten.push(id);
  if (state.forgotten.length > limits.maxSkippedTotal)
    state.forgotten.splice(0, state.forgotten.length - limits.maxSkippedTotal);
}

function storeSkipped(
  context: CryptoContext,
  state: RatchetState,
  limits: RatchetLimits,
  keys: [string, SkippedKey][],
): void {
  for (const [id, key] of keys) state.skipped.set(id, key);
  const oldestAllowed = context.now() - limits.skippedKeyLifetimeMs;
  for (const [id, key] of state.skipped) {
    if (state.skipped.size > limits.maxSkippedTotal || key.at < oldestAllowed) forget(state, limits, id);
    else break;
  }
}

/**
 * Finds the message key for `header` without touching `state`; `commit()` applies the ratchet step, the
 * skipped keys and the deletion of the used key. The caller commits only after the ciphertext verified,
 * so a forged or tampered message leaves the session exactly as it was.
 */
export function planReceive(
  context: CryptoContext,
  state: RatchetState,
  header: RatchetHeader,
  limits: RatchetLimits = DEFAULT_RATCHET_LIMITS,
): ReceivePlan {
  const dhId = toBase64Url(header.dh);
  const id = `${dhId}:${header.n}`;
  const skipped = state.skipped.get(id);
  if (skipped) {
    if (skipped.at < context.now() - limits.skippedKeyLifetimeMs) {
      throw new ParleyError('DECRYPT_FAILED', 'the key for this delayed message has expired');
    }
    return { messageKey: skipped.messageKey, commit: () => void state.skipped.delete(id) };
  }
  const next = state.chains.get(dhId);
  if (next !== undefined && header.n < next) {
    if (state.forgotten.includes(id))
      throw new ParleyError('DECRYPT_FAILED', 'the key for this delayed message was discarded');
    throw new ParleyError('DUPLICATE_MESSAGE', 'this message was already decrypted');
  }
  const staged: [string, SkippedKey][] = [];
  if (state.dhRemote && state.recv && equalBytes(header.dh, state.dhRemote)) {
    const chain = skipKeys(context, limits, state.recv, header.dh, header.n, staged);
    const { messageKey, chainKey } = kdfChain(context.backend, chain.key);
    return {
      messageKey,
      commit() {
        state.recv = { key: chainKey, n: header.n + 1 };
        remember(state, limits, dhId, header.n + 1);
        storeSkipped(context, state, limits, staged);
      },
    };
  }
  if (next !== undefined) throw new ParleyError('DECRYPT_FAILED', 'message is from a chain that has ended');

  // A new ratchet key from the peer: a DH ratchet step (spec §3.5). The sending half waits for commit,
  // so a forged header costs one X25519 and changes nothing.
  if (state.recv && state.dhRemote) skipKeys(context, limits, state.recv, state.dhRemote, header.pn, staged);
  const received = kdfRoot(
    context.backend,
    state.rootKey,
    x25519(context.backend, state.dhSelf.secretKey, header.dh),
  );
  const chain = skipKeys(context, limits, { key: received.chainKey, n: 0 }, header.dh, header.n, staged);
  const { messageKey, chainKey } = kdfChain(context.backend, chain.key);
  return {
    messageKey,
    commit() {
      if (state.recv && state.dhRemote) {
        remember(state, limits, toBase64Url(state.dhRemote), Math.max(header.pn, state.recv.n));
      }
      const dhSelf = generateDhKeyPair(context);
      const sending = kdfRoot(
        context.backend,
        received.rootKey,
        x25519(context.backend, dhSelf.secretKey, header.dh),
      );
      state.pn = state.send ? state.send.n : 0;
      state.dhRemote = header.dh.slice();
      state.dhSelf = dhSelf;
      state.rootKey = sending.rootKey;
      state.send = { key: sending.chainKey, n: 0 };
      state.recv = { key: chainKey, n: header.n + 1 };
      remember(state, limits, dhId, header.n + 1);
      storeSkipped(context, state, limits, staged);
    },
  };
}
