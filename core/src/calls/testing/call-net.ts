import { CallController } from '../call-controller.js';
import type { CallLogEntry } from '../call-log.js';
import type { CallSignal, CallSnapshot } from '../types.js';
import { FakeClock } from './fake-timers.js';

export interface TestParty {
  readonly controller: CallController;
  readonly states: CallSnapshot[];
  readonly incoming: CallSnapshot[];
  readonly logs: CallLogEntry[];
  readonly connects: { callId: string; role: 'offerer' | 'answerer' }[];
  readonly restarts: string[];
  readonly closedMedia: string[];
  readonly sent: { to: string; signal: CallSignal }[];
}

/**
 * Several CallControllers on one fake clock, whose signals wait in a queue until `deliver()` — so a test
 * decides what crosses on the wire and when (glare is two rings in flight at once).
 */
export class CallNet {
  readonly clock = new FakeClock();
  readonly parties = new Map<string, TestParty>();
  readonly #queue: { from: string; to: string; signal: CallSignal }[] = [];
  #ids = 0;

  constructor(names: readonly string[], ids?: Record<string, string[]>) {
    for (const name of names) {
      const ownIds = ids?.[name] ? [...ids[name]] : undefined;
      const party: TestParty = {
        states: [],
        incoming: [],
        logs: [],
        connects: [],
        restarts: [],
        closedMedia: [],
        sent: [],
        controller: new CallController({
          now: this.clock.now,
          timers: this.clock,
          newCallId: () => ownIds?.shift() ?? `${name}-call-${++this.#ids}`,
          send: (to, signal) => {
            party.sent.push({ to, signal });
            this.#queue.push({ from: name, to, signal });
          },
        }),
      };
      party.controller.on('state', (s) => party.states.push(s));
      party.controller.on('incoming', (s) => party.incoming.push(s));
      party.controller.on('log', (l) => party.logs.push(l));
      party.controller.on('connect', (c) => party.connects.push({ callId: c.callId, role: c.role }));
      party.controller.on('restart-ice', (r) => party.restarts.push(r.callId));
      party.controller.on('close-media', (c) => party.closedMedia.push(c.callId));
      this.parties.set(name, party);
    }
  }

  party(name: string): TestParty {
    const party = this.parties.get(name);
    if (party === undefined) throw new Error(`no party ${name}`);
    return party;
  }

  /** Deliver every queued signal (and those they cause) in send order. */
  deliver(): void {
    for (let next = this.#queue.shift(); next !== undefined; next = this.#queue.shift()) {
      this.parties.get(next.to)?.controller.receive(next.from, next.signal);
    }
  }

  /**
   * `caller` calls `callee`, who answers; with `connected`, both report media up (the call is active).
   * Resolves the call id.
   */
  answeredCall(caller: string, callee: string, media: 'audio' | 'video', connected = false): string {
    const { callId } = this.party(caller).controller.place(callee, media);
    this.deliver();
    this.party(callee).controller.accept(callId);
    this.deliver();
    if (connected) {
      this.party(caller).controller.mediaConnected(callId);
      this.party(callee).controller.mediaConnected(callId);
    }
    return callId;
  }

  /** Drop every queued signal (a lost message). */
  drop(): void {
    this.#queue.length = 0;
  }
}
