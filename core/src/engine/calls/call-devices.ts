import type { CallControl, CallElsewhere, CallSnapshot } from '../../calls/index.js';
import type { ProtocolAddress } from '../../crypto/index.js';

/** Calls remembered at most (one is current; the rest only so late signals go to, or come from, the right device). */
const MAX_CALLS = 32;

interface CallRoute {
  /** An outgoing call: every device of the callee's account it rang. */
  readonly rung: readonly ProtocolAddress[];
  /** The one device the call is with: the callee's device that answered first, or the caller's that rang. */
  with?: ProtocolAddress;
}

/** What to do with a call control message that arrived from a device. */
export interface Admission {
  /** Whether the call's state machine and peer connection may see it. */
  readonly admit: boolean;
  /** Devices that still ring for the call and must stop, and why (an outgoing call some device took). */
  readonly stop?: { readonly devices: readonly ProtocolAddress[]; readonly elsewhere?: CallElsewhere };
}

function sameDevice(a: ProtocolAddress, b: ProtocolAddress): boolean {
  return a.name === b.name && a.deviceId === b.deviceId;
}

/**
 * Which device of the peer's account each call is with (issue 15, docs/protocol.md "Call control messages").
 * The state machine (core/src/calls) knows accounts; a call rings on every device of the callee, and from the
 * first `accept`, `decline` or `busy` on, it is with that device alone: the others are told to stop
 * ringing (`hangup` with `elsewhere`) and nothing more from them is heard. An incoming call is with the
 * device that rang. Which devices are the account's is the signed list's word (the caller rings only listed
 * devices, and LinksService hands over only signals from listed ones).
 */
export class CallDevices {
  readonly #calls = new Map<string, CallRoute>();

  /** Where a message of ours for `callId` goes: the device it is with, else every device it rang. */
  targets(callId: string): readonly ProtocolAddress[] | undefined {
    const call = this.#calls.get(callId);
    if (call === undefined) return undefined;
    return call.with === undefined ? call.rung : [call.with];
  }

  /** An outgoing call rang these devices. */
  rang(callId: string, devices: readonly ProtocolAddress[]): void {
    this.#remember(callId, { rung: devices });
  }

  /** Whether `message` from `from` may reach the call, and which devices to stop ringing if it is an answer. */
  admit(from: ProtocolAddress, message: CallControl): Admission {
    const call = this.#calls.get(message.callId);
    if (message.type === 'ring') {
      if (call === undefined) {
        this.#remember(message.callId, { rung: [], with: from });
        return { admit: true };
      }
      return { admit: call.with !== undefined && sameDevice(call.with, from) };
    }
    // A call this device never saw: the state machine ignores it anyway.
    if (call === undefined) return { admit: true };
    if (call.with !== undefined) return { admit: sameDevice(call.with, from) };
    if (!call.rung.some((device) => sameDevice(device, from))) return { admit: false };
    if (message.type !== 'accept' && message.type !== 'decline' && message.type !== 'busy') {
      // Only an answer binds an outgoing call; before one, nothing else from a ringing device counts.
      return { admit: message.type === 'hangup' && call.rung.length === 1 };
    }
    call.with = from;
    const devices = call.rung.filter((device) => !sameDevice(device, from));
    // WhatsApp's rule: declined on one device is declined for the person, everywhere.
    const elsewhere =
      message.type === 'accept' ? 'answered' : message.type === 'decline' ? 'declined' : undefined;
    return { admit: true, stop: { devices, ...(elsewhere === undefined ? {} : { elsewhere }) } };
  }

  /**
   * Whether `from`'s ring for `callId` is a second device of the account our `current` call is with, to be
   * answered `busy` to that device alone (docs/protocol.md "Call control messages"): the person calls us
   * from two devices at once, or from one while talking with us on the other. The ring seen first keeps
   * ringing (or the call in progress goes on); the other device ends at once as "on another call" instead
   * of ringing unanswered, and nothing is logged here, since that person's other call is current. A glare
   * (our own call to that account still ringing) stays the state machine's rule.
   */
  ringsBeside(current: CallSnapshot | undefined, from: ProtocolAddress, callId: string): boolean {
    if (current === undefined || current.peer !== from.name || current.callId === callId) return false;
    if (current.direction === 'outgoing' && current.phase === 'ringing') return false;
    const call = this.#calls.get(current.callId);
    return call?.with !== undefined && !sameDevice(call.with, from);
  }

  #remember(callId: string, route: CallRoute): void {
    this.#calls.delete(callId);
    this.#calls.set(callId, route);
    if (this.#calls.size > MAX_CALLS) this.#calls.delete(this.#calls.keys().next().value as string);
  }
}
