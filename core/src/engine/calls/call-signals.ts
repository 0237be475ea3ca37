import type { CallControl, CallSnapshot } from '../../calls/index.js';
import type { ProtocolAddress } from '../../crypto/index.js';
import type { PeerAddress } from '../../link/link-manager.js';
import type { EngineContext } from '../context.js';
import type { WireLinkSignal } from '../links/direct-links.js';
import { SignalSealer } from '../links/signal-sealing.js';
import { addressOfPeer, peerOf } from '../shared/addresses.js';
import { CallDevices } from './call-devices.js';

/** What CallSignals does with an incoming call signal, decided by the calls service. */
export interface InboundCall {
  /** Whether `account` may signal this call at all (a contact, or a group call's mesh pair). */
  readonly allowed: (account: string) => Promise<boolean>;
  /** The opened control message, from the device that sent it. */
  readonly opened: (device: ProtocolAddress, message: CallControl) => void;
  /** The signal did not open (altered, replayed or sent in clear on the way). */
  readonly tampered: (account: string, error: unknown) => void;
}

/**
 * How call control messages travel (docs/protocol.md "Call control messages"): sealed in each pair's session
 * as signals of `kind: 'call'` (linkId = call id) and relayed, one after another per peer account in each
 * direction. A ring fans out to every device the account's signed list names; from the first answer on, a
 * call is with that one device (call-devices.ts) and the others are told to stop ringing.
 */
export class CallSignals {
  readonly #sealer: SignalSealer;
  /** Which device of the peer's account each call is with (a call rings on all of them). */
  readonly #devices = new CallDevices();
  /** Per peer account: signals are sealed, sent and opened one after another, in order. */
  readonly #outbound = new Map<string, Promise<void>>();
  readonly #inbound = new Map<string, Promise<void>>();

  constructor(
    private readonly ctx: EngineContext,
    /** Relays a sealed signal to one peer device (LinksService.sendSignal); resolves whether it was online. */
    private readonly sendSignal: (to: PeerAddress, signal: WireLinkSignal) => Promise<boolean>,
  ) {
    this.#sealer = new SignalSealer(ctx);
  }

  /** Signals still being sealed and handed to the relay (closing waits for them, up to a point). */
  get sending(): Promise<void>[] {
    return [...this.#outbound.values()];
  }

  /**
   * Seals `message` in each pair's session and relays it, after every earlier signal to that account: to the
   * device the call is with; a ring to every device the account's signed list names (fetched if stale),
   * and anything before an answer to every device that rang.
   */
  send(account: string, message: CallControl): void {
    this.#chain(this.#outbound, account, async () => {
      let targets = this.#devices.targets(message.callId);
      if (message.type === 'ring') {
        await this.ctx.devices.refresh(account);
        targets = this.ctx.devices.fanOut([account]);
        this.#devices.rang(message.callId, targets);
      }
      for (const to of targets ?? this.ctx.devices.fanOut([account])) {
        await this.#sendTo(to, message).catch(this.ctx.report);
      }
    });
  }

  /** Opens a sealed call signal relayed from `from`, after every earlier one from that account. */
  receive(from: PeerAddress, signal: WireLinkSignal, inbound: InboundCall): void {
    const device = addressOfPeer(from);
    const account = device.name;
    this.#chain(this.#inbound, account, async () => {
      if (!(await inbound.allowed(account))) return;
      let message: CallControl;
      try {
        message = (await this.#sealer.openCall(from, signal)).data;
      } catch (error) {
        inbound.tampered(account, error);
        return;
      }
      inbound.opened(device, message);
    });
  }

  /**
   * Whether `message` from `device` may reach the call: once one device of the callee answered (or
   * declined), the caller tells the rest of the callee's devices to stop, and hears nothing more from them.
   */
  admit(device: ProtocolAddress, message: CallControl): boolean {
    const account = device.name;
    const { admit, stop } = this.#devices.admit(device, message);
    if (stop !== undefined && stop.devices.length > 0) {
      const hangup = {
        type: 'hangup' as const,
        callId: message.callId,
        ...(stop.elsewhere ? { elsewhere: stop.elsewhere } : {}),
      };
      this.#chain(this.#outbound, account, async () => {
        const listed = this.ctx.devices.deviceIds(account);
        for (const other of stop.devices) {
          // A device unlinked meanwhile gets nothing more.
          if (listed.includes(other.deviceId)) await this.#sendTo(other, hangup).catch(this.ctx.report);
        }
      });
    }
    return admit;
  }

  /**
   * A second device of the account of our current call rings (CallDevices.ringsBeside): it is told `busy`
   * at once, and the ring goes no further.
   */
  ringsBeside(current: CallSnapshot | undefined, device: ProtocolAddress, callId: string): boolean {
    if (!this.#devices.ringsBeside(current, device, callId)) return false;
    this.#chain(this.#outbound, device.name, () => this.#sendTo(device, { type: 'busy', callId }));
    return true;
  }

  async #sendTo(to: ProtocolAddress, message: CallControl): Promise<void> {
    const signal = { linkId: message.callId, kind: 'call' as const, data: message };
    const data = await this.#sealer.seal(peerOf(to), signal);
    await this.sendSignal(peerOf(to), { ...signal, data });
  }

  #chain(queues: Map<string, Promise<void>>, account: string, work: () => Promise<void>): void {
    const next = (queues.get(account) ?? Promise.resolve()).then(work).catch((error: unknown) => {
      this.ctx.report(error);
    });
    queues.set(account, next);
    void next.finally(() => {
      if (queues.get(account) === next) queues.delete(account);
    });
  }
}
