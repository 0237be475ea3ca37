import { ParleyError } from '../errors/index.js';
import { TypedEmitter } from '../link/typed-emitter.js';
import { callLogEntryOf } from './call-log.js';
import type { CallLogEntry } from './call-log.js';
import { DEFAULT_CALL_TIMEOUTS, MAX_DECLINE_MESSAGE_LENGTH } from './types.js';
import type {
  CallEndReason,
  CallFailure,
  CallMedia,
  CallSignal,
  CallSnapshot,
  CallTimeouts,
  CallTimers,
} from './types.js';

/**
 * One device's calls: at most one current call, driven by local commands, the peer's call signals and what
 * the media connection reports. Pure and platform-neutral: it sends signals through `send`, asks for the
 * peer connection through events, and keeps time only through the injected clock and timers.
 *
 * Glare (both sides place a call to each other before either sees the other's ring): the call with the
 * smaller id wins on both sides. The side whose own call lost drops it without a trace and answers the
 * winning call at once — both people pressed "call", so they are connected without a second click. The
 * winning side ignores the losing ring, then and later.
 *
 * A ring from someone else while a call is current is answered `busy` and logged as a missed call.
 */
export interface CallControllerOptions {
  readonly now: () => number;
  readonly timers: CallTimers;
  /** A fresh, unguessable call id (e.g. 16 random bytes as hex). */
  readonly newCallId: () => string;
  /** Queue a call signal to `peer` (sealed in the pair's session by the engine). */
  readonly send: (peer: string, signal: CallSignal) => void;
  readonly timeouts?: Partial<CallTimeouts>;
}

export interface CallControllerEvents {
  [event: string]: unknown;
  /** A call rings here; the UI shows the incoming-call screen. */
  incoming: CallSnapshot;
  /** Every change of the current call (and the final `ended` of each call). */
  state: CallSnapshot;
  /** Start the call's own peer connection; the caller makes the offer. */
  connect: { callId: string; peer: string; media: CallMedia; role: 'offerer' | 'answerer' };
  /** The media path has been down `iceRestartAfterMs`: restart ICE (and again, until `iceGiveUpMs`). */
  'restart-ice': { callId: string; peer: string };
  /** Stop the call's peer connection and local tracks. */
  'close-media': { callId: string; peer: string };
  /** A call ended: one line for the conversation with `peer`. */
  log: CallLogEntry;
}

interface Current {
  snapshot: CallSnapshot;
  timer?: unknown;
  restartTimer?: unknown;
  mediaStarted: boolean;
}

export class CallController extends TypedEmitter<CallControllerEvents> {
  readonly #options: CallControllerOptions;
  readonly #timeouts: CallTimeouts;
  #current: Current | undefined;
  /** Ids of calls that ended here, or lost a glare: later signals for them change nothing. */
  readonly #finished = new Set<string>();

  constructor(options: CallControllerOptions) {
    super();
    this.#options = options;
    this.#timeouts = { ...DEFAULT_CALL_TIMEOUTS, ...options.timeouts };
  }

  /** The current call, if any (ended calls are not current). */
  get current(): CallSnapshot | undefined {
    return this.#current?.snapshot;
  }

  place(peer: string, media: CallMedia): CallSnapshot {
    if (this.#current !== undefined) throw new ParleyError('CONFLICT', 'already in a call');
    const callId = this.#options.newCallId();
    this.#begin({ callId, peer, direction: 'outgoing', media });
    this.#options.send(peer, { type: 'ring', callId, media });
    return this.#require(callId).snapshot;
  }

  accept(callId: string): void {
    const call = this.#require(callId);
    const { snapshot } = call;
    if (snapshot.direction !== 'incoming' || snapshot.phase !== 'ringing') {
      throw new ParleyError('CONFLICT', 'only a ringing incoming call can be accepted');
    }
    this.#options.send(snapshot.peer, { type: 'accept', callId });
    this.#connect(call, 'answerer');
  }

  decline(callId: string, message?: string): void {
    const call = this.#require(callId);
    const { snapshot } = call;
    if (snapshot.direction !== 'incoming' || snapshot.phase !== 'ringing') {
      throw new ParleyError('CONFLICT', 'only a ringing incoming call can be declined');
    }
    const text = message?.trim();
    if (text !== undefined && text.length > MAX_DECLINE_MESSAGE_LENGTH) {
      throw new ParleyError(
        'BAD_REQUEST',
        `a decline message is at most ${MAX_DECLINE_MESSAGE_LENGTH} characters`,
      );
    }
    const withMessage = text !== undefined && text !== '';
    this.#options.send(
      snapshot.peer,
      withMessage ? { type: 'decline', callId, message: text } : { type: 'decline', callId },
    );
    this.#end(call, withMessage ? { kind: 'declined-with-message', message: text } : { kind: 'declined' });
  }

  /** Hang up, or stop ringing an outgoing call (cancelled). An incoming ringing call is declined. */
  hangup(callId: string): void {
    const call = this.#require(callId);
    const { snapshot } = call;
    if (snapshot.direction === 'incoming' && snapshot.phase === 'ringing') {
      this.decline(callId);
      return;
    }
    this.#options.send(snapshot.peer, { type: 'hangup', callId });
    this.#end(call, snapshot.phase === 'ringing' ? { kind: 'cancelled' } : { kind: 'hangup', by: 'local' });
  }

  /** A call signal from `from`, whose identity the pair's session has authenticated. */
  receive(from: string, signal: CallSignal): void {
    if (this.#finished.has(signal.callId)) return;
    const call = this.#current;
    if (signal.type === 'ring') {
      this.#ring(from, signal.callId, signal.media);
      return;
    }
    // Anything else only concerns the current call, and only from its peer.
    if (call === undefined || call.snapshot.callId !== signal.callId || call.snapshot.peer !== from) return;
    const { snapshot } = call;
    switch (signal.type) {
      case 'accept':
        if (snapshot.direction === 'outgoing' && snapshot.phase === 'ringing') this.#connect(call, 'offerer');
        return;
      case 'decline':
        if (snapshot.direction !== 'outgoing' || snapshot.phase !== 'ringing') return;
        this.#end(
          call,
          signal.message !== undefined && signal.message !== ''
            ? { kind: 'declined-with-message', message: signal.message }
            : { kind: 'declined' },
        );
        return;
      case 'busy':
        if (snapshot.direction === 'outgoing' && snapshot.phase === 'ringing')
          this.#end(call, { kind: 'busy' });
        return;
      case 'hangup':
        // Another device of this account answered or declined: this one stops ringing (or connecting, when
        // both answered at once and the other was first).
        if (
          signal.elsewhere !== undefined &&
          snapshot.direction === 'incoming' &&
          snapshot.phase !== 'active'
        )
          this.#end(call, { kind: `${signal.elsewhere}-elsewhere` });
        else if (signal.failure !== undefined)
          this.#end(call, { kind: 'failed', failure: signal.failure, by: 'remote' });
        else if (snapshot.phase === 'ringing') {
          this.#end(call, snapshot.direction === 'incoming' ? { kind: 'missed' } : { kind: 'declined' });
        } else this.#end(call, { kind: 'hangup', by: 'remote' });
        return;
    }
  }

  /** The call's media connection is up (again). */
  mediaConnected(callId: string): void {
    const call = this.#current;
    if (call?.snapshot.callId !== callId) return;
    if (call.snapshot.phase === 'connecting') {
      this.#clearTimers(call);
      this.#update(call, { phase: 'active', answeredAt: this.#options.now(), reconnecting: false });
    } else if (call.snapshot.phase === 'active' && call.snapshot.reconnecting) {
      this.#clearTimers(call);
      this.#update(call, { reconnecting: false });
    }
  }

  /** The media path is down (ICE `disconnected`): restart ICE after a grace period, give up after 30 s. */
  mediaDisconnected(callId: string): void {
    const call = this.#current;
    if (call?.snapshot.callId !== callId || call.snapshot.phase !== 'active' || call.snapshot.reconnecting)
      return;
    this.#update(call, { reconnecting: true });
    call.timer = this.#options.timers.setTimeout(
      () => this.#fail(call, 'ice-failed'),
      this.#timeouts.iceGiveUpMs,
    );
    const restart = (): void => {
      if (this.#current !== call) return;
      this.emit('restart-ice', { callId, peer: call.snapshot.peer });
      call.restartTimer = this.#options.timers.setTimeout(restart, this.#timeouts.iceRestartAfterMs);
    };
    call.restartTimer = this.#options.timers.setTimeout(restart, this.#timeouts.iceRestartAfterMs);
  }

  /** The media connection failed for good (e.g. the DTLS fingerprint did not match the sealed one). */
  mediaFailed(callId: string, failure: CallFailure): void {
    const call = this.#current;
    if (call?.snapshot.callId === callId) this.#fail(call, failure);
  }

  /** End the current call as a local hang-up (the app is closing). */
  close(): void {
    if (this.#current !== undefined) this.hangup(this.#current.snapshot.callId);
    this.removeAllListeners();
  }

  #ring(from: string, callId: string, media: CallMedia): void {
    const call = this.#current;
    if (call === undefined) {
      this.#begin({ callId, peer: from, direction: 'incoming', media });
      this.emit('incoming', this.#require(callId).snapshot);
      return;
    }
    if (call.snapshot.callId === callId) return; // the same ring twice
    if (call.snapshot.peer === from) {
      const glare = call.snapshot.direction === 'outgoing' && call.snapshot.phase === 'ringing';
      if (glare && callId < call.snapshot.callId) {
        // Our call lost: forget it (no log line, no hangup: the peer ignores it) and answer theirs.
        this.#clearTimers(call);
        this.#finished.add(call.snapshot.callId);
        this.#current = undefined;
        this.#begin({ callId, peer: from, direction: 'incoming', media }, { silent: true });
        this.accept(callId);
      } else {
        // Our call won the glare, or a stale glare ring arrives after the winner was answered.
        this.#finished.add(callId);
      }
      return;
    }
    // Someone else calls while we are in a call: busy there, a missed call here.
    this.#finished.add(callId);
    this.#options.send(from, { type: 'busy', callId });
    const at = this.#options.now();
    this.emit(
      'log',
      callLogEntryOf({
        callId,
        peer: from,
        direction: 'incoming',
        media,
        phase: 'ended',
        createdAt: at,
        endedAt: at,
        endReason: { kind: 'missed' },
        reconnecting: false,
      }),
    );
  }

  #begin(
    fields: Pick<CallSnapshot, 'callId' | 'peer' | 'direction' | 'media'>,
    { silent = false }: { silent?: boolean } = {},
  ): void {
    const call: Current = {
      snapshot: { ...fields, phase: 'ringing', createdAt: this.#options.now(), reconnecting: false },
      mediaStarted: false,
    };
    this.#current = call;
    call.timer = this.#options.timers.setTimeout(() => this.#ringTimeout(call), this.#timeouts.ringMs);
    if (!silent) this.emit('state', call.snapshot);
  }

  #ringTimeout(call: Current): void {
    if (this.#current !== call || call.snapshot.phase !== 'ringing') return;
    // The caller tells the callee; the callee's own timer covers a lost message.
    if (call.snapshot.direction === 'outgoing') {
      this.#options.send(call.snapshot.peer, { type: 'hangup', callId: call.snapshot.callId });
    }
    this.#end(call, { kind: 'missed' });
  }

  #connect(call: Current, role: 'offerer' | 'answerer'): void {
    this.#clearTimers(call);
    this.#update(call, { phase: 'connecting' });
    call.timer = this.#options.timers.setTimeout(
      () => this.#fail(call, 'ice-failed'),
      this.#timeouts.connectMs,
    );
    call.mediaStarted = true;
    const { callId, peer, media } = call.snapshot;
    this.emit('connect', { callId, peer, media, role });
  }

  #fail(call: Current, failure: CallFailure): void {
    if (this.#current !== call) return;
    this.#options.send(call.snapshot.peer, { type: 'hangup', callId: call.snapshot.callId, failure });
    this.#end(call, { kind: 'failed', failure, by: 'local' });
  }

  #end(call: Current, endReason: CallEndReason): void {
    this.#clearTimers(call);
    this.#current = undefined;
    this.#finished.add(call.snapshot.callId);
    this.#update(call, { phase: 'ended', endedAt: this.#options.now(), endReason, reconnecting: false });
    if (call.mediaStarted)
      this.emit('close-media', { callId: call.snapshot.callId, peer: call.snapshot.peer });
    this.emit('log', callLogEntryOf(call.snapshot));
  }

  #update(call: Current, change: Partial<CallSnapshot>): void {
    call.snapshot = { ...call.snapshot, ...change };
    this.emit('state', call.snapshot);
  }

  #clearTimers(call: Current): void {
    if (call.timer !== undefined) this.#options.timers.clearTimeout(call.timer);
    if (call.restartTimer !== undefined) this.#options.timers.clearTimeout(call.restartTimer);
    call.timer = undefined;
    call.restartTimer = undefined;
  }

  #require(callId: string): Current {
    const call = this.#current;
    if (call?.snapshot.callId !== callId) throw new ParleyError('NOT_FOUND', `no current call ${callId}`);
    return call;
  }
}
