/**
 * A value several components read with useSyncExternalStore (`useSyncExternalStore(store.subscribe,
 * store.get)`): the current one, and who to tell when it is replaced. `get` and `subscribe` are stable
 * functions, as React asks; the value is replaced, never changed in place, so React sees each change.
 */
export class Store<T> {
  readonly #listeners = new Set<() => void>();

  constructor(private value: T) {}

  readonly get = (): T => this.value;

  readonly subscribe = (listener: () => void): (() => void) => {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  };

  set(value: T): void {
    this.value = value;
    this.#listeners.forEach((listener) => listener());
  }

  /** Nobody is told of later changes (the owner closed). */
  unsubscribeAll(): void {
    this.#listeners.clear();
  }
}
