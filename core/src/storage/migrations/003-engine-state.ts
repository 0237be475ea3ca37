import type { ParleyDb } from '../idb-environment.js';

/**
 * Version 3: the engine's state (groups, statuses, timers, contacts' relays, reactions), which until now lived
 * unsealed in a separate `<name>.engine` database. Each value is sealed with the key wrapper; the engine copies
 * an old `<name>.engine` database in on first open (it cannot be read here: wrapping is asynchronous and the
 * other database is not part of this transaction).
 */
export function migration003EngineState(db: ParleyDb): void {
  db.createObjectStore('engineState', { keyPath: 'key' });
}
