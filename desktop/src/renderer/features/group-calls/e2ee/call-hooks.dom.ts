import { accountOfCallIdentity, type CallKeyring, type ParleyClient } from '@parley/core';
import type { FrameKey, FrameKeyChange, FrameKeySource } from '@parley/core/crypto/frames';
import type { GroupCallMediaHooks } from '../media-hooks.js';
import { FrameE2ee, e2eePeerConnectionConfig } from './frame-e2ee.dom.js';
import type { TransformStats } from './messages.js';

/**
 * The keys of a call whose keyring is still opening (client.callKeys.open is asynchronous, a call's first
 * sender is not): empty until `attach`, then the keyring's, with what it already held replayed. Frames meanwhile
 * are dropped (no key), never sent in the clear.
 */
class KeysWhenOpen implements FrameKeySource {
  #keyring: CallKeyring | undefined;
  readonly #listeners = new Set<(change: FrameKeyChange) => void>();

  /**
   * `withoutRemoteKeys`: the others' keys never reach the receivers; `remoteKeyGiven` hears of every key that
   * does (test hooks: see frameEncryptionHooks).
   */
  constructor(
    private readonly withoutRemoteKeys = false,
    private readonly remoteKeyGiven?: (participantId: string, keyId: number) => void,
  ) {}

  get localKey(): FrameKey | undefined {
    return this.#keyring?.localKey;
  }

  remoteKeys(participantId: string): readonly FrameKey[] {
    if (this.withoutRemoteKeys) return [];
    return this.#keyring?.remoteKeys(participantId) ?? [];
  }

  onChange(listener: (change: FrameKeyChange) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  attach(keyring: CallKeyring, known: Iterable<string>): void {
    this.#keyring = keyring;
    keyring.onChange((change) => this.#emit(change));
    if (keyring.localKey !== undefined) this.#emit({ kind: 'local', key: keyring.localKey });
    for (const participantId of new Set([...known, ...keyring.participants]))
      for (const key of keyring.remoteKeys(participantId)) this.#emit({ kind: 'remote', participantId, key });
  }

  #emit(change: FrameKeyChange): void {
    if (this.withoutRemoteKeys && change.kind === 'remote') return;
    if (change.kind === 'remote') this.remoteKeyGiven?.(change.participantId, change.key.keyId);
    for (const listener of this.#listeners) listener(change);
  }
}

/** The keys a device held when it left a call, as they were then: nothing is ever added (a test hook's). */
class KeysLeftBehind implements FrameKeySource {
  constructor(
    readonly localKey: FrameKey | undefined,
    private readonly remote: ReadonlyMap<string, readonly FrameKey[]>,
  ) {}

  remoteKeys(participantId: string): readonly FrameKey[] {
    return this.remote.get(participantId) ?? [];
  }

  onChange(): () => void {
    return () => undefined;
  }
}

export interface FrameEncryptionHooks extends GroupCallMediaHooks {
  /** Per transform: frames passed on and dropped (docs: ./README.md). */
  stats(): Promise<TransformStats[]>;
  /** The call ended: the worker stops and the call's keyring closes. */
  close(): void;
}

/**
 * End-to-end encrypted media for one group call, as the call's media hooks (../media-hooks.ts): every
 * sender encrypts under this device's frame key, every receiver decrypts with the keys of the participant
 * the SFU says it belongs to. The keyring (client.callKeys) is opened for the group's room and follows the
 * SFU's peer list: anyone joining or leaving rotates our key, and only current group members get it.
 */
export function frameEncryptionHooks(
  client: ParleyClient,
  groupId: string,
  options: {
    readonly report?: (error: unknown) => void;
    /**
     * Test hook: this participant never uses the others' frame keys, as if it had never been given them, so it
     * decodes none of their frames (e2e/browser/group-call-e2ee.spec.ts). It only ever takes keys away.
     */
    readonly withoutRemoteKeys?: boolean;
    /**
     * Test hook: hears the id of every key of another participant this device's receivers are given, so a
     * scenario can check a leaver never held the keys used after it left (e2e/browser/group-call-e2ee.spec.ts).
     */
    readonly remoteKeyGiven?: (participantId: string, keyId: number) => void;
    /**
     * Test hook: when the call ends, hears the keys this device then held, frozen (never a key more), so a
     * scenario can try them on what the others send after it left (e2e/browser/group-call-e2ee-leave.spec.ts).
     * The keys stay in the page's memory; a scenario reads key ids and counts, never key bytes.
     */
    readonly keysLeftBehind?: (keys: FrameKeySource) => void;
  } = {},
): FrameEncryptionHooks {
  const report = options.report ?? ((error: unknown) => console.warn('call encryption:', error));
  const keys = new KeysWhenOpen(options.withoutRemoteKeys === true, options.remoteKeyGiven);
  const e2ee = new FrameE2ee(keys);
  /** SFU peer id → account, as the SFU announced them. */
  const peers = new Map<string, string>();
  const accounts = () => [...new Set(peers.values())];
  /** Everyone who was in the call while we were (whose keys we may hold). */
  const everyone = new Set<string>();
  let keyring: CallKeyring | undefined;
  let closed = false;
  const opening = (async () => {
    const callId = await client.groupCalls.room(groupId);
    const opened = await client.callKeys.open({ callId, groupId, participants: accounts() });
    if (closed) {
      client.callKeys.close(callId);
      return;
    }
    keyring = opened;
    keys.attach(opened, accounts());
    // Peers who came or went while it opened.
    await opened.setParticipants(accounts());
  })();
  opening.catch(report);
  const peersChanged = () => {
    if (keyring !== undefined && !closed) keyring.setParticipants(accounts()).catch(report);
  };
  return {
    // A Chromium-only member RTCConfiguration's type does not list.
    peerConnection: e2eePeerConnectionConfig(e2ee.mode) as Partial<RTCConfiguration>,
    sender: (sender, info) => void e2ee.protectSender(sender, { kind: info.kind }),
    receiver: (receiver, info) =>
      void e2ee.protectReceiver(receiver, accountOfCallIdentity(info.identity) ?? '', { kind: info.kind }),
    joined: ({ peerId, identity }) => {
      const account = accountOfCallIdentity(identity);
      if (account === undefined) return;
      peers.set(peerId, account);
      everyone.add(account);
      peersChanged();
    },
    left: ({ peerId }) => {
      if (!peers.delete(peerId)) return;
      peersChanged();
    },
    stats: () => e2ee.stats(),
    close: () => {
      if (closed) return;
      closed = true;
      if (keyring !== undefined && options.keysLeftBehind !== undefined) {
        const held = keyring;
        const remote = new Map([...everyone].map((account) => [account, [...held.remoteKeys(account)]]));
        options.keysLeftBehind(new KeysLeftBehind(held.localKey, remote));
      }
      e2ee.close();
      if (keyring !== undefined) client.callKeys.close(keyring.callId);
    },
  };
}
