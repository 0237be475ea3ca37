import { z } from 'zod';
import { SfuRoomIdSchema } from './sfu-token.js';

/** The mesh messages a group call's participants send each other (docs/protocol.md, "Group call mesh"). */
export const GROUP_MESH_EVENTS = ['hello', 'here', 'bye', 'move'] as const;
export type GroupMeshEvent = (typeof GROUP_MESH_EVENTS)[number];

/**
 * A group call's mesh signalling, a control message sealed in each pairwise session (like frame keys):
 *
 * - `hello`: "I join the call" (to every member of the group); `here`: "I am in it" (the answer to a hello);
 *   `bye`: "I left"; `move`: "the call moves to the SFU", from the participant who decides (the lowest
 *   account in the call);
 * - `room`: the call's SFU room id (the same id names the call's frame keyring, so keys do not change when
 *   the call moves);
 * - `session`: 32 hex digits naming one join of one device: a pair's connection id is derived from both
 *   sessions, so someone rejoining after a crash gets new connections;
 * - `onSfu`: the sender is on the SFU already (a newcomer goes there directly).
 */
export const GroupMeshBodySchema = z.strictObject({
  type: z.literal('group-call-mesh'),
  event: z.enum(GROUP_MESH_EVENTS),
  room: SfuRoomIdSchema,
  session: z.string().regex(/^[0-9a-f]{32}$/u),
  onSfu: z.boolean().optional(),
});
export type GroupMeshBody = z.infer<typeof GroupMeshBodySchema>;
