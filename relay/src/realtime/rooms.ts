/** Every socket of an identity (several devices or tabs) joins this room once authenticated. */
export const identityRoom = (identity: string) => `id:${identity}`;

/**
 * A subscriber joins one room per identity it watches, named with the target and the watcher's keyed hash
 * (what allow lists hold), so a presence change is emitted to exactly the watchers the target's allow list
 * names: one emit to the union of `watchRoom(target, allowedHash)`.
 */
export const watchRoom = (target: string, watcherHash: string) => `watch:${target}:${watcherHash}`;
