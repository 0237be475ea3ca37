import { ParleyError } from '../../errors/index.js';
import type { ProtocolAddress } from '../../crypto/index.js';
import type { FrameKey } from '../../crypto/frames/index.js';
import { fromBase64Url, toBase64Url } from '../../protocol/encoding.js';
import type { FrameKeyBody } from '../../protocol/frame-keys.js';
import type { EngineContext } from '../context.js';
import { PRIMARY_DEVICE } from '../shared/addresses.js';
import { CallKeyring, DEFAULT_SWITCH_DELAY_MS } from './call-keyring.js';

/** Keys that arrive for a call this device has not opened yet (it is joining): kept, at most this many. */
const EARLY_KEYS_KEPT = 64;

export interface CallKeysParts {
  readonly isMember: (groupId: string, account: string) => Promise<boolean>;
  readonly switchDelayMs?: number;
}

export interface OpenCallKeys {
  /** The call's SFU room id (client.groupCalls.room), or another id every participant uses for the call. */
  readonly callId: string;
  readonly groupId: string;
  /** Who is in the call already (accounts, from the SFU's `join` answer or the mesh). */
  readonly participants: readonly string[];
}

/**
 * `client.callKeys`: the frame keys of group calls (docs/crypto.md, "Group calls: encrypted media"). One
 * CallKeyring per call; our keys go to the participants as `frame-key` control messages through the outbox
 * (sealed in each pairwise session, like a group's sender keys), theirs arrive the same way.
 */
export class CallKeysService {
  readonly #keyrings = new Map<string, CallKeyring>();
  readonly #early: { sender: string; body: FrameKeyBody }[] = [];

  constructor(
    private readonly ctx: EngineContext,
    private readonly parts: CallKeysParts,
  ) {}

  /**
   * Opens the keyring of a call this device joins: a first own key, sent to `participants` (group members
   * only). Keys that arrived for the call before are taken in. CONFLICT when the call's keyring is open.
   */
  async open(call: OpenCallKeys): Promise<CallKeyring> {
    this.ctx.assertOpen();
    const existing = this.#keyrings.get(call.callId);
    if (existing !== undefined && !existing.closed)
      throw new ParleyError('CONFLICT', 'the keyring of this call is open already');
    if (!(await this.parts.isMember(call.groupId, this.ctx.self.name)))
      throw new ParleyError('ACCESS_DENIED', 'not a member of the group of this call');
    const keyring = new CallKeyring({
      callId: call.callId,
      groupId: call.groupId,
      self: this.ctx.self.name,
      send: (accounts, key) => this.#send(call, accounts, key),
      isMember: (account) => this.parts.isMember(call.groupId, account),
      randomBytes: this.ctx.crypto.randomBytes,
      now: () => this.ctx.now(),
      timers: this.ctx.timers,
      switchDelayMs: this.parts.switchDelayMs ?? DEFAULT_SWITCH_DELAY_MS,
      report: (error) => this.ctx.report(error),
    });
    this.#keyrings.set(call.callId, keyring);
    for (let index = 0; index < this.#early.length;) {
      const early = this.#early[index];
      if (early !== undefined && early.body.callId === call.callId) {
        this.#early.splice(index, 1);
        if (early.body.groupId === call.groupId) keyring.acceptRemote(early.sender, keyOf(early.body));
      } else index += 1;
    }
    await keyring.setParticipants(call.participants);
    return keyring;
  }

  /** The open keyring of a call, if any. */
  get(callId: string): CallKeyring | undefined {
    const keyring = this.#keyrings.get(callId);
    return keyring?.closed === false ? keyring : undefined;
  }

  /** Closes a call's keyring (leaving the call). */
  close(callId: string): void {
    this.#keyrings.get(callId)?.close();
    this.#keyrings.delete(callId);
  }

  /**
   * A group's state changed (the 'group' event): its calls' keyrings re-check who may have their keys, so a
   * member removed while still in the SFU's room is treated as having left.
   */
  async groupChanged(groupId: string): Promise<void> {
    for (const keyring of [...this.#keyrings.values()])
      if (keyring.groupId === groupId && !keyring.closed) await keyring.membershipChanged();
  }

  closeAll(): void {
    for (const keyring of this.#keyrings.values()) keyring.close();
    this.#keyrings.clear();
  }

  /**
   * A frame-key message that opened in `sender`'s pairwise session: taken only from a member of the group
   * it names, into that call's keyring (or kept briefly for a call we are about to open).
   */
  async receive(sender: ProtocolAddress, body: FrameKeyBody): Promise<void> {
    if (!(await this.parts.isMember(body.groupId, sender.name))) {
      this.ctx.emit('error', new ParleyError('ACCESS_DENIED', 'a frame key from someone not in the group'));
      return;
    }
    const keyring = this.get(body.callId);
    if (keyring === undefined) {
      this.#early.push({ sender: sender.name, body });
      if (this.#early.length > EARLY_KEYS_KEPT) this.#early.shift();
      return;
    }
    if (keyring.groupId !== body.groupId) {
      this.ctx.emit('error', new ParleyError('ACCESS_DENIED', 'a frame key naming another group'));
      return;
    }
    keyring.acceptRemote(sender.name, keyOf(body));
  }

  async #send(call: OpenCallKeys, accounts: readonly string[], key: FrameKey): Promise<void> {
    const recipients = accounts.map((name) => ({ name, deviceId: PRIMARY_DEVICE }));
    await this.ctx.sendControl(recipients, {
      type: 'frame-key',
      callId: call.callId,
      groupId: call.groupId,
      keyId: key.keyId,
      secret: toBase64Url(key.secret),
    });
  }
}

function keyOf(body: FrameKeyBody): FrameKey {
  return { keyId: body.keyId, secret: fromBase64Url(body.secret) };
}
