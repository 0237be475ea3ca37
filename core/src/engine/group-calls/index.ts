/**
 * Group calls in the engine: `client.groupCalls` derives a group's SFU room from the group's secrets
 * (room-id.ts) and gets relay-signed join tokens for it. The media path (mediasoup-client) is the app's.
 */
export { GroupCallsService } from './group-calls-service.js';
export type { GroupCallGroups, GroupCallTicket } from './group-calls-service.js';
export { accountOfCallIdentity, groupCallRoomId, groupCallSecret } from './room-id.js';
export type { GroupCallSecretInput } from './room-id.js';
