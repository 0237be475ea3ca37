/** A join or leave line on the group call screen. */
export interface CallEvent {
  readonly kind: 'joined' | 'left';
  readonly identity: string;
  /** Orders the lines; stable across snapshots (React keys). */
  readonly seq: number;
}

/** Join/leave lines kept on the call screen. */
export const MAX_EVENTS = 20;

/** Who joined and left while we were in the call, oldest first, the last MAX_EVENTS of them. */
export class CallEventLog {
  #lines: readonly CallEvent[] = [];
  #seq = 0;

  /** The lines so far; a new array after each change, so a snapshot can hold it as it is. */
  get lines(): readonly CallEvent[] {
    return this.#lines;
  }

  add(kind: CallEvent['kind'], identity: string): void {
    this.#lines = [...this.#lines, { kind, identity, seq: this.#seq++ }].slice(-MAX_EVENTS);
  }
}
