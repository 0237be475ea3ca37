/**
 * Group calls in the engine: `client.groupCalls` derives a group's SFU room from the group's secrets
 * (room-id.ts) and gets relay-signed join tokens for it; members tell each other when the group's call starts
 * and ends (`group-call` control messages, group-call-notices.ts), which leaves a call line in the group. The
 * media path (mediasoup-client) is the app's.
 */
export { GroupCallsService } from './group-calls-service.js';
export type { GroupCallGroups, GroupCallTicket } from './group-calls-service.js';
export { accountOfCallIdentity, callIdentityOfAccount, groupCallRoomId, groupCallSecret } from './room-id.js';
export type { GroupCallSecretInput } from './room-id.js';
export {
  GROUP_CALL_HEARTBEAT_MS,
  GROUP_CALL_NOTICE_TTL_MS,
  groupCallLineMessageId,
  groupCallLineOf,
} from './group-call-notices.js';
export type { GroupCallActivity, GroupCallLogEntry, GroupCallNotice } from './types.js';
