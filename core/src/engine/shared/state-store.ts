/**
 * Engine state (group states, statuses, contacts' relay URLs, disappearing-message timers, reactions): JSON
 * values by key. Injected; by default the client database's `engineState` (sealed at rest, migration 003),
 * the in-memory one for unit tests.
 */
export interface EngineStateStore {
  get(key: string): Promise<unknown>;
  put(key: string, value: unknown): Promise<void>;
  delete(key: string): Promise<void>;
  /** Keys starting with `prefix`, sorted. */
  keys(prefix: string): Promise<string[]>;
}

export class InMemoryEngineStateStore implements EngineStateStore {
  readonly #values = new Map<string, string>();

  async get(key: string): Promise<unknown> {
    const value = this.#values.get(key);
    return value === undefined ? undefined : JSON.parse(value);
  }

  async put(key: string, value: unknown): Promise<void> {
    this.#values.set(key, JSON.stringify(value));
  }

  async delete(key: string): Promise<void> {
    this.#values.delete(key);
  }

  async keys(prefix: string): Promise<string[]> {
    return [...this.#values.keys()].filter((key) => key.startsWith(prefix)).sort();
  }
}
