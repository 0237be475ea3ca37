// status/: 24-hour statuses, sent to chosen contacts, swept when they expire, with viewed-by receipts.
// It goes through messaging/'s control messages; it never changes conversations or chats.
export { StatusManager, STATUS_LIFETIME_MS } from './status-manager.js';
export type { StatusUpdate } from './types.js';
