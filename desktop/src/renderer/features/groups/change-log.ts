import type { GroupState } from '@parley/core';

export interface ChangeLine {
  readonly id: number;
  readonly groupId: string;
  readonly text: string;
  readonly at: number;
}

type Describe = (before: GroupState | undefined, after: GroupState) => string[];

/**
 * The group changes seen while the app runs, as system lines per group. The engine reports each new state
 * (the `group` event) but not the one it replaced, so the log remembers the last state of every group and
 * describes the difference. `remember` seeds it with states already stored, so the first change after a
 * start is described against them rather than as a new group.
 */
export class GroupChangeLog {
  readonly #last = new Map<string, GroupState>();
  readonly #lines = new Map<string, ChangeLine[]>();
  readonly #listeners = new Set<() => void>();
  #next = 1;
  #version = 0;

  constructor(
    private readonly describe: Describe,
    private readonly now: () => number,
    private readonly keep = 50,
  ) {}

  remember(state: GroupState): void {
    const known = this.#last.get(state.groupId);
    if (known === undefined || known.version < state.version) this.#last.set(state.groupId, state);
  }

  /** A new state arrived: records what changed since the one before. Repeats and older versions add nothing. */
  observe(state: GroupState): void {
    const before = this.#last.get(state.groupId);
    if (before !== undefined && before.version >= state.version) return;
    this.#last.set(state.groupId, state);
    const texts = this.describe(before, state);
    if (texts.length === 0) return;
    const at = this.now();
    const lines = [
      ...(this.#lines.get(state.groupId) ?? []),
      ...texts.map((text) => ({ id: this.#next++, groupId: state.groupId, text, at })),
    ];
    this.#lines.set(state.groupId, lines.slice(-this.keep));
    this.#version += 1;
    for (const listener of [...this.#listeners]) listener();
  }

  lines(groupId: string): readonly ChangeLine[] {
    return this.#lines.get(groupId) ?? EMPTY;
  }

  subscribe = (listener: () => void): (() => void) => {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  };

  version = (): number => this.#version;
}

const EMPTY: readonly ChangeLine[] = [];
