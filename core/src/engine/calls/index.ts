/**
 * Calls in the engine. Owns the call-log lines (call-lines.ts) written into one-to-one conversations; the
 * call state machine and control messages are core/src/calls (platform-neutral). Next: `client.calls`
 * (the CallController over sealed signals of kind 'call', the call's own peer connection).
 */
export { callLineMessageId, callLineOf, recordCallLine } from './call-lines.js';
export type { CallLineStore } from './call-lines.js';
