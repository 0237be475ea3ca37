import type { ScreenSource } from '../../ipc/channels.js';
import { desktopShell } from './desktop-shell.dom.js';

/**
 * The call's media seam: microphone, camera, screen and speakers, from the browser (or Electron's renderer).
 * Core never touches devices; features/calls asks here and hands the tracks to `client.calls`, which owns
 * and stops them.
 */
export interface CallDevices {
  readonly microphones: readonly MediaDeviceInfo[];
  readonly cameras: readonly MediaDeviceInfo[];
  /** Empty where the browser cannot choose the output (no `setSinkId`). */
  readonly speakers: readonly MediaDeviceInfo[];
}

export interface CallMediaSource {
  /** The microphone, and the camera when `video`; falls back to the microphone alone if no camera opens. */
  userMedia(video: boolean): Promise<MediaStream | undefined>;
  /** One track from a chosen device (undefined: the default one). */
  track(kind: 'audio' | 'video', deviceId?: string): Promise<MediaStreamTrack>;
  /**
   * The screens and windows to pick from, where the app must draw the picker itself (Electron, through the
   * preload); undefined where getDisplayMedia shows the browser's own.
   */
  screenSources(): Promise<ScreenSource[]> | undefined;
  /** A screen or window: the browser's picker, or `sourceId` from `screenSources()`. */
  screen(sourceId?: string): Promise<MediaStreamTrack>;
  devices(): Promise<CallDevices>;
  /** Plays `element` on the chosen speaker; false where the browser cannot. */
  setSpeaker(element: HTMLMediaElement, deviceId: string): Promise<boolean>;
}

function mediaDevices(): MediaDevices {
  if (navigator.mediaDevices === undefined) throw new Error('This browser gives no access to a microphone');
  return navigator.mediaDevices;
}

export const browserCallMedia: CallMediaSource = {
  async userMedia(video) {
    try {
      return await mediaDevices().getUserMedia({ audio: true, video });
    } catch (error) {
      if (!video) throw error;
      return mediaDevices().getUserMedia({ audio: true, video: false });
    }
  },
  async track(kind, deviceId) {
    const constraint = deviceId === undefined ? true : { deviceId: { exact: deviceId } };
    const stream = await mediaDevices().getUserMedia(
      kind === 'audio' ? { audio: constraint } : { video: constraint },
    );
    const [track] = stream.getTracks();
    if (track === undefined) throw new Error(`No ${kind === 'audio' ? 'microphone' : 'camera'} opened`);
    return track;
  },
  screenSources() {
    return desktopShell()?.listScreenSources?.();
  },
  async screen(sourceId) {
    const devices = mediaDevices();
    if (sourceId !== undefined && !((await desktopShell()?.chooseScreenSource?.(sourceId)) ?? false))
      throw new Error('That screen or window can no longer be shared');
    if (typeof devices.getDisplayMedia !== 'function')
      throw new Error('Screen sharing is not available here');
    const stream = await devices.getDisplayMedia({ video: true, audio: false });
    const [track] = stream.getVideoTracks();
    if (track === undefined) throw new Error('No screen was chosen');
    return track;
  },
  async devices() {
    const all = await mediaDevices().enumerateDevices();
    const canChooseSpeaker = typeof HTMLMediaElement.prototype.setSinkId === 'function';
    return {
      microphones: all.filter((device) => device.kind === 'audioinput'),
      cameras: all.filter((device) => device.kind === 'videoinput'),
      speakers: canChooseSpeaker ? all.filter((device) => device.kind === 'audiooutput') : [],
    };
  },
  async setSpeaker(element, deviceId) {
    if (typeof element.setSinkId !== 'function') return false;
    await element.setSinkId(deviceId);
    return true;
  },
};
