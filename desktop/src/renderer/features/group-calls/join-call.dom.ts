import type { ParleyClient } from '@parley/core';
import { callStore } from './call-store.js';
import { GroupCall, type GroupCallHandle } from './group-call.dom.js';
import { groupCallMediaHooks } from './media-protection.js';
import { MeshCall } from './mesh-call.dom.js';

/**
 * Camera and microphone for a group call. Modest on purpose: a grid of up to sixteen tiles shows each video
 * small, the SFU forwards a lower simulcast layer to small tiles, and the top layer is what a pinned tile gets.
 */
export const GROUP_CALL_CAPTURE: MediaStreamConstraints = {
  audio: true,
  video: { width: { ideal: 640 }, height: { ideal: 360 }, frameRate: { ideal: 24 } },
};

/**
 * How many people in all a call keeps on the mesh before it moves to the SFU: core's default (4), unless a
 * scenario set `window.__parleyGroupCallMeshLimit` before the app loaded (0: straight to the SFU, as the
 * SFU's own scenarios need with four people).
 */
function meshLimit(): number | undefined {
  const limit = (globalThis as { __parleyGroupCallMeshLimit?: unknown }).__parleyGroupCallMeshLimit;
  return typeof limit === 'number' && Number.isInteger(limit) && limit >= 0 ? limit : undefined;
}

/**
 * Enters `groupId`'s call, as a mesh while small (docs/sfu.md, "Small calls: the mesh"), else on the SFU; the
 * call screen shows from now on. Already in it: nothing happens; in
 * another group's call: that one is left first. Failures show on the call screen.
 */
export function joinGroupCall(client: ParleyClient, groupId: string): GroupCallHandle {
  const existing = callStore.get();
  const phase = existing?.snapshot().phase;
  if (existing?.groupId === groupId && phase !== 'ended' && phase !== 'failed') return existing;
  if (existing !== undefined) {
    client.groupCalls.left(existing.groupId);
    void existing.leave();
  }
  const report = (error: unknown) => console.warn('group call:', error);
  const media = () => navigator.mediaDevices.getUserMedia(GROUP_CALL_CAPTURE);
  const hooks = groupCallMediaHooks(client, groupId);
  const limit = meshLimit();
  const onMesh = limit !== 0;
  const call: GroupCallHandle = onMesh
    ? new MeshCall({
        groupId,
        client,
        media,
        hooks,
        ...(limit === undefined ? {} : { meshLimit: limit }),
        report,
      })
    : new GroupCall({ groupId, ticket: () => client.groupCalls.ticket(groupId), media, hooks, report });
  callStore.set(call);
  // On the mesh nobody answers at once: a call is new when none is known to run (its "started" notice).
  const known = onMesh ? client.groupCalls.active(groupId) : Promise.resolve(undefined);
  void Promise.all([known, call.start()]).then(
    // Nobody else in the call: it starts now, and the members are told (their "Join" banner). From now on
    // this device's heartbeats keep the members' banner up while it is in the call.
    ([active]) => {
      if (active === undefined && call.snapshot().participants.length === 0)
        void client.groupCalls.started(groupId).catch(report);
      if (callStore.get() === call) client.groupCalls.joined(groupId);
    },
    () => undefined, // the snapshot carries the error to the screen
  );
  return call;
}

/** Leaves the current call and closes the call screen; the last one out tells the members it ended. */
export async function leaveGroupCall(client: ParleyClient): Promise<void> {
  const call = callStore.get();
  callStore.set(undefined);
  if (call === undefined) return;
  client.groupCalls.left(call.groupId);
  const { phase, participants } = call.snapshot();
  await call.leave();
  if (phase === 'in-call' && participants.length === 0)
    await client.groupCalls.ended(call.groupId).catch((error: unknown) => console.warn('group call:', error));
}
