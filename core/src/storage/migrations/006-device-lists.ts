import type { ParleyDb } from '../idb-environment.js';

/**
 * Version 6: linked devices (docs/crypto.md "Linked devices"). The highest verified signed device list of
 * each account this device talks to (its own included), with when each of the account's devices was last
 * seen. Public data (every contact may fetch a list from the relay), so not sealed. Existing rows elsewhere
 * are untouched: an account without a row here has one device, the primary, as before.
 */
export function migration006DeviceLists(db: ParleyDb): void {
  db.createObjectStore('deviceLists', { keyPath: 'account' });
}
