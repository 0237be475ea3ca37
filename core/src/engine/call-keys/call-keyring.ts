import { ParleyError } from '../../errors/index.js';
import {
  defaultSubtle,
  ratchetFrameKey,
  type FrameKey,
  type FrameKeyChange,
  type FrameKeySource,
  type FrameSubtle,
} from '../../crypto/frames/index.js';
import { TypedEmitter } from '../../link/typed-emitter.js';
import type { EngineTimers } from '../platform.js';

/** How long a sender keeps encrypting under its old key after sending a new one, so receivers have it. */
export const DEFAULT_SWITCH_DELAY_MS = 1000;
/** Keys kept per participant: the newest few, so frames in flight under the previous one still decrypt. */
export const REMOTE_KEYS_KEPT = 3;

export interface CallKeyringParts {
  readonly callId: string;
  readonly groupId: string;
  readonly self: string;
  /** Sends `key` to these accounts over their pairwise sessions (call-keys-service.ts). */
  readonly send: (accounts: readonly string[], key: FrameKey) => Promise<void>;
  /** Whether an account is a member of the call's group now: only members are given our key. */
  readonly isMember: (account: string) => Promise<boolean>;
  readonly randomBytes: (length: number) => Uint8Array;
  readonly now: () => number;
  readonly timers: EngineTimers;
  readonly switchDelayMs: number;
  readonly report: (error: unknown) => void;
  /** WebCrypto, for ratcheting our key when someone joins (globalThis.crypto.subtle by default). */
  readonly subtle?: FrameSubtle;
}

/**
 * One group call's frame keys on this device: our own (rotated when anyone joins or leaves and sent to
 * everyone in the call at that moment) and the keys the other participants sent us. The encoded transforms
 * read it as a FrameKeySource.
 *
 * When someone leaves, the new own key is a fresh random secret, sent at once but used only `switchDelayMs`
 * later, so participants have it before the first frame under it; receivers keep the previous key until
 * frames under the new one have decrypted for a while (crypto/frames). Someone who left is not sent the new
 * key, so what we send after the switch is closed to them. When people only join, the new key is the
 * current one ratcheted forward (ratchetFrameKey) and used at once: those already in the call derive it
 * themselves, so the joiners decode as soon as their copy arrives instead of a switch delay later, and
 * cannot go back to what was sent before they came.
 */
export class CallKeyring extends TypedEmitter<{ change: FrameKeyChange }> implements FrameKeySource {
  readonly callId: string;
  readonly groupId: string;
  readonly #parts: CallKeyringParts;
  #participants = new Set<string>();
  #current: FrameKey | undefined;
  #pending: FrameKey | undefined;
  #switchTimer: unknown;
  readonly #remote = new Map<string, FrameKey[]>();
  /** The participants as last named, members or not: what a change of the group's membership re-reads. */
  #named: readonly string[] = [];
  /** Participant changes apply one after another (each filters by membership, then rotates). */
  #changes: Promise<void> = Promise.resolve();
  #closed = false;

  constructor(parts: CallKeyringParts) {
    super();
    this.#parts = parts;
    this.callId = parts.callId;
    this.groupId = parts.groupId;
  }

  get localKey(): FrameKey | undefined {
    return this.#current;
  }

  /** The key sent but not yet used (tests and diagnostics). */
  get pendingKey(): FrameKey | undefined {
    return this.#pending;
  }

  get participants(): string[] {
    return [...this.#participants];
  }

  get closed(): boolean {
    return this.#closed;
  }

  remoteKeys(participantId: string): readonly FrameKey[] {
    return [...(this.#remote.get(participantId) ?? [])];
  }

  onChange(listener: (change: FrameKeyChange) => void): () => void {
    return this.on('change', listener);
  }

  /**
   * The accounts in the call now (from the SFU's peer list or the mesh; without us). Those not in the
   * group are left out: the SFU names participants, and it must not be able to add someone who then gets
   * our key. Anyone joining or leaving rotates our key (everyone in the call gets the new one). Resolves
   * once the new key is queued for them.
   */
  setParticipants(accounts: readonly string[]): Promise<void> {
    this.#named = [...accounts];
    const change = this.#changes.then(() => this.#applyParticipants(accounts));
    this.#changes = change.catch(() => undefined);
    return change;
  }

  /**
   * The group's membership changed: the participants last named are filtered again, so someone removed from
   * the group while still in the SFU's room is treated as having left (our key rotates without them).
   */
  membershipChanged(): Promise<void> {
    return this.setParticipants(this.#named);
  }

  /** A new own key for everyone in the call now (also what a periodic rotation calls). */
  rotate(): Promise<void> {
    const change = this.#changes.then(() => this.#rotate());
    this.#changes = change.catch(() => undefined);
    return change;
  }

  /** A participant's key, from a frame-key message that opened in their pairwise session. */
  acceptRemote(account: string, key: FrameKey): void {
    if (this.#closed || account === this.#parts.self) return;
    const keys = this.#remote.get(account) ?? [];
    if (keys.some((held) => held.keyId === key.keyId)) return;
    keys.push(key);
    while (keys.length > REMOTE_KEYS_KEPT) keys.shift();
    this.#remote.set(account, keys);
    this.emit('change', { kind: 'remote', participantId: account, key });
  }

  /** Leaves the call's keys behind: nothing more is sent or switched, listeners are dropped. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#switchTimer !== undefined) this.#parts.timers.clearTimeout(this.#switchTimer);
    this.#remote.clear();
    this.removeAllListeners();
  }

  async #applyParticipants(accounts: readonly string[]): Promise<void> {
    this.#assertOpen();
    const next = new Set<string>();
    for (const account of new Set(accounts)) {
      if (account === this.#parts.self) continue;
      if (await this.#parts.isMember(account)) next.add(account);
      else this.#parts.report(new ParleyError('ACCESS_DENIED', 'a call participant who is not in the group'));
    }
    const same =
      this.#current !== undefined &&
      next.size === this.#participants.size &&
      [...next].every((account) => this.#participants.has(account));
    if (same) return;
    const onlyJoined = [...this.#participants].every((account) => next.has(account));
    this.#participants = next;
    // A ratchet is safe only from a key nobody outside the call holds: never while a fresh one (after a
    // leave) waits to be switched to, since the leaver still holds the current one.
    if (onlyJoined && this.#current !== undefined && this.#pending === undefined) await this.#ratchet();
    else await this.#rotate();
  }

  /** The current key ratcheted forward, used at once and sent to everyone in the call (joiners need it). */
  async #ratchet(): Promise<void> {
    const current = this.#current;
    if (current === undefined) return;
    const key = await ratchetFrameKey(this.#parts.subtle ?? defaultSubtle(), current);
    this.#assertOpen();
    // Rotated meanwhile (only through #changes, which this runs in): nothing to do then.
    if (this.#current !== current || this.#pending !== undefined) return;
    this.#current = key;
    this.emit('change', { kind: 'local', key });
    if (this.#participants.size > 0) await this.#parts.send([...this.#participants], key);
  }

  async #rotate(): Promise<void> {
    this.#assertOpen();
    const latest = this.#pending ?? this.#current;
    // Key ids increase, across rejoins too (seconds since 1970 as a floor), so a receiver can retire below.
    const keyId = Math.max((latest?.keyId ?? -1) + 1, Math.floor(this.#parts.now() / 1000)) >>> 0;
    const key: FrameKey = { keyId, secret: this.#parts.randomBytes(32) };
    const first = this.#current === undefined;
    if (first) {
      // Nobody can decrypt anything of ours yet: use it at once.
      this.#current = key;
      this.emit('change', { kind: 'local', key });
    } else {
      this.#pending = key;
      if (this.#switchTimer !== undefined) this.#parts.timers.clearTimeout(this.#switchTimer);
      this.#switchTimer = this.#parts.timers.setTimeout(() => this.#switch(key), this.#parts.switchDelayMs);
    }
    if (this.#participants.size > 0) await this.#parts.send([...this.#participants], key);
  }

  #switch(key: FrameKey): void {
    this.#switchTimer = undefined;
    if (this.#closed || this.#pending !== key) return;
    this.#pending = undefined;
    this.#current = key;
    this.emit('change', { kind: 'local', key });
  }

  #assertOpen(): void {
    if (this.#closed) throw new ParleyError('CLOSED', 'the call keyring is closed');
  }
}
