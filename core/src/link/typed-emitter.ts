/**
 * A small typed event emitter that runs in Node and in browsers. Like mediasoup's `safeEmit`, a listener
 * that throws is reported to `onListenerError` and never breaks the emitter or the other listeners.
 */
export type EventMap = Record<string, unknown>;

type Listener<T> = (payload: T) => void;

export class TypedEmitter<Events extends EventMap> {
  /**
   * Listeners per event as arrays replaced on every change, never changed in place: `emit` (once per data
   * channel frame on a file transfer) walks the array it finds without copying it, and a listener added or
   * removed while an event is delivered takes effect from the next one.
   */
  readonly #listeners = new Map<keyof Events, readonly Listener<never>[]>();

  /**
   * Where a throwing listener's error goes: by default an unhandled rejection, so it is reported by the
   * runtime (and fails a test) without unwinding the code that emitted.
   */
  protected onListenerError(error: unknown): void {
    void Promise.reject(error);
  }

  on<K extends keyof Events>(event: K, listener: Listener<Events[K]>): () => void {
    const current = this.#listeners.get(event) ?? [];
    if (!current.includes(listener as Listener<never>))
      this.#listeners.set(event, [...current, listener as Listener<never>]);
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
    const current = this.#listeners.get(event);
    if (current === undefined || !current.includes(listener as Listener<never>)) return;
    const rest = current.filter((candidate) => candidate !== listener);
    if (rest.length === 0) this.#listeners.delete(event);
    else this.#listeners.set(event, rest);
  }

  protected emit<K extends keyof Events>(event: K, payload: Events[K]): void {
    const listeners = this.#listeners.get(event);
    if (listeners === undefined) return;
    for (const listener of listeners) {
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
