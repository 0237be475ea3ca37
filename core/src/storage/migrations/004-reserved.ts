/**
 * Version 4 is reserved for conversation pin/archive (being written on another branch); this placeholder
 * changes nothing and is replaced by that migration when the branches merge, before any release.
 */
export function migration004Reserved(): void {}
