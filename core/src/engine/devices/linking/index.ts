/**
 * Linking a new device (docs/crypto.md "Linking a device"): the payload, the handshake and short code, the
 * encrypted channel (relay, then direct), and the engine's `client.linking`. Owns the 'device-link:' engine
 * state keys; changes the account's device list only through a DeviceListPort.
 */
export { LINK_PAYLOAD_PREFIX, LINK_PAYLOAD_TTL_MS, formatLinkPayload, parseLinkPayload } from './payload.js';
export type { LinkPayload } from './payload.js';
export { LinkOffer } from './host.js';
export {
  LINK_LABELS,
  acceptProof,
  deriveKeys,
  transcriptHash,
  transcriptOf,
  verifyHello,
} from './handshake.js';
export { decodeClear, encodeClear } from './frames.js';
export { LinkJoin } from './join.js';
export { HistoryResume } from './resume-host.js';
export { LinkingService } from './linking-service.js';
export { publishingDeviceList, type DeviceListPort } from './device-list-port.js';
export type { LinkEvents, LinkPhase, LinkedAccountRecord } from './types.js';
export type { AcceptMessage, ClearMessage, HelloMessage } from './wire.js';
