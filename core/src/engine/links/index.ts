// links/: direct WebRTC links to peers (core/src/link underneath), signalled through the relay, and the
// route each conversation takes. It moves envelopes and transfer sessions; it never seals or opens them.
export { LinksService } from './links-service.js';
export type { Route } from './direct-links.js';
