// messaging/: message contents, the outbox and its pump (outgoing), decrypting and storing (incoming), and
// what a stored message does (effects), receipts and reactions. It knows no UI words; groups' sender keys
// and states stay in groups/, files' bytes in files/.
export { MessagesService } from './messages-service.js';
export type { RetryPolicy } from './outbox-pump.js';
export type { GroupState } from './content.js';
export type { Reaction } from './reactions.js';
