/**
 * Small group calls as a mesh of direct connections (docs/protocol.md, "Group call mesh"): `client.groupMesh`
 * joins a group's call as a MeshSession, whose pairs are 1:1 calls' peer connections; past four people it
 * moves the call to the SFU.
 */
export { GroupMeshService } from './group-mesh-service.js';
export type { JoinMeshOptions, MeshGroups } from './group-mesh-service.js';
export { DEFAULT_MESH_LIMIT, DEFAULT_PAIR_RECOVERY, MeshSession } from './mesh-session.js';
export type { MeshSessionEvent, PairRecovery } from './mesh-session.js';
export { meshPairId } from './pair-id.js';
