/**
 * Group-call frame keys (client.callKeys): a keyring per call, own keys rotated on every join and leave and
 * sent over the pairwise sessions, the other participants' keys received the same way. Owns nothing of the
 * call itself (signalling, media, SFU): the renderer's encoded transforms read a keyring as a FrameKeySource.
 */
export { CallKeysService, type CallKeysParts, type OpenCallKeys } from './call-keys-service.js';
export { CallKeyring, DEFAULT_SWITCH_DELAY_MS, REMOTE_KEYS_KEPT } from './call-keyring.js';
