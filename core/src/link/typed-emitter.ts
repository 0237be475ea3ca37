/**
 * A small typed event emitter that runs in Node and in browsers. Like mediasoup's `safeEmit`, a listener
 * that throws is reported to `onListenerError` and never breaks the emitter or the other listeners.
 */
export type EventMap = Record<string, unknown>;

type Listener<T> = (payload: T) => void;

export class TypedEmitter<Events extends EventMap> {
  readonly #listeners = new Map<keyof Events, Set<Listener<never>>>();

  /**
   * Where a throwing listener's error goes: by default an unhandled rejection, so it is reported by the
   * runtime (and fails a test) without unwinding the code that emitted.
   */
  protected onListenerError(error: unknown): void {
    void Promise.reject(error);
  }

  on<K extends keyof Events>(event: K, listener: Listener<Events[K]>): () => void {
    let set = this.#listeners.get(event);
    if (set === undefined) {
      set = new Set();
      this.#listeners.set(event, set);
    }
    set.add(listener as Listener<never>);
    return () => this.off(event, listener);
  }

  once<K extends keyof Events>(event: K, listener: Listener<Events[K]>): () => void {
    const off = this.on(event, (payload) => {
      off();
      listener(payload);
    });
    return off;
  }

  off<K extends keyof Events>(event: K, listener: Listener<Events[K]>): void {
    this.#listeners.get(event)?.delete(listener as Listener<never>);
  }

  protected emit<K extends keyof Events>(event: K, payload: Events[K]): void {
    const set = this.#listeners.get(event);
    if (set === undefined) return;
    for (const listener of [...set]) {
      try {
        (listener as Listener<Events[K]>)(payload);
      } catch (error) {
        this.onListenerError(error);
      }
    }
  }

  protected removeAllListeners(): void {
    this.#listeners.clear();
  }
}
