import type { ParleyClient } from '@parley/core';
import { callStore } from './call-store.js';
import { GroupCall } from './group-call.dom.js';
import { groupCallMediaHooks } from './media-protection.js';

/**
 * Camera and microphone for a group call. Modest on purpose: a grid of up to sixteen tiles shows each video
 * small, the SFU forwards a lower simulcast layer to small tiles, and the top layer is what a pinned tile gets.
 */
export const GROUP_CALL_CAPTURE: MediaStreamConstraints = {
  audio: true,
  video: { width: { ideal: 640 }, height: { ideal: 360 }, frameRate: { ideal: 24 } },
};

/**
 * Enters `groupId`'s call on the SFU (the call screen shows from now on). Already in it: nothing happens; in
 * another group's call: that one is left first. Failures show on the call screen.
 */
export function joinGroupCall(client: ParleyClient, groupId: string): GroupCall {
  const existing = callStore.get();
  const phase = existing?.snapshot().phase;
  if (existing?.groupId === groupId && phase !== 'ended' && phase !== 'failed') return existing;
  if (existing !== undefined) {
    client.groupCalls.left(existing.groupId);
    void existing.leave();
  }
  const call = new GroupCall({
    groupId,
    ticket: () => client.groupCalls.ticket(groupId),
    media: () => navigator.mediaDevices.getUserMedia(GROUP_CALL_CAPTURE),
    hooks: groupCallMediaHooks(client, groupId),
    report: (error) => console.warn('group call:', error),
  });
  callStore.set(call);
  const report = (error: unknown) => console.warn('group call:', error);
  call.start().then(
    // Nobody else in the room: the call starts now, and the members are told (their "Join" banner). From
    // now on this device's heartbeats keep the members' banner up while it is in the call.
    () => {
      if (call.snapshot().participants.length === 0) void client.groupCalls.started(groupId).catch(report);
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
