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
  if (existing !== undefined) void existing.leave();
  const call = new GroupCall({
    groupId,
    ticket: () => client.groupCalls.ticket(groupId),
    media: () => navigator.mediaDevices.getUserMedia(GROUP_CALL_CAPTURE),
    hooks: groupCallMediaHooks(client, groupId),
    report: (error) => console.warn('group call:', error),
  });
  callStore.set(call);
  void call.start().catch(() => undefined); // the snapshot carries the error to the screen
  return call;
}

/** Leaves the current call and closes the call screen. */
export async function leaveGroupCall(): Promise<void> {
  const call = callStore.get();
  callStore.set(undefined);
  await call?.leave();
}
