import type { GroupCallHandle } from './group-call.dom.js';

/**
 * The one group call this window is in (a person is in at most one call at a time), shared by the header
 * button, the banner and the call screen. A tiny external store for useSyncExternalStore.
 */
let current: GroupCallHandle | undefined;
const listeners = new Set<() => void>();

export const callStore = {
  get: (): GroupCallHandle | undefined => current,
  set(call: GroupCallHandle | undefined): void {
    current = call;
    for (const listener of listeners) listener();
  },
  subscribe(listener: () => void): () => void {
    listeners.add(listener);
    return () => listeners.delete(listener);
  },
};
