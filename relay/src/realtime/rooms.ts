/** Every socket of an identity (several devices or tabs) joins this room once authenticated. */
export const identityRoom = (identity: string) => `id:${identity}`;

/**
 * A subscriber joins one room per identity it watches, named with both, so a presence change is emitted to
 * exactly the watchers the target's allow list names: one emit to the union of `watchRoom(target, allowed)`.
 */
export const watchRoom = (target: string, watcher: string) => `watch:${target}:${watcher}`;
