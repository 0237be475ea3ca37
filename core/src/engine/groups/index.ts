// groups/: signed group states, membership and admins, sender keys and sealed group messages, invite links,
// and the group-change lines. It never touches one-to-one sessions (messaging/pairwise.ts).
export { GroupsService } from './groups-service.js';
export {
  groupChangeBetween,
  groupChangeMessageId,
  groupChangeOf,
  type GroupChange,
} from './group-changes.js';
