import type { CallSnapshot, ParleyClient } from '@parley/core';
import type { ScreenSource } from '../../../ipc/channels.js';
import type { CallMediaSource } from '../../platform/call-media.dom.js';
import { Store } from '../../app/store.js';
import { errorText } from '../../ui/error-text.js';

/**
 * What the call screens draw, kept from the client's call events and the person's choices: one call at a
 * time (the engine's rule). The actions ask the media seam for devices and hand the tracks to
 * `client.calls`, which owns and stops them; this store only keeps references to show previews.
 */
export interface CallView {
  readonly call: CallSnapshot;
  readonly remoteAudio?: MediaStreamTrack | undefined;
  readonly remoteVideo?: MediaStreamTrack | undefined;
  /** What the other side says it sends (its microphone, camera, screen). */
  readonly remote: { readonly audio: boolean; readonly video: boolean; readonly screen: boolean };
  readonly muted: { readonly audio: boolean; readonly video: boolean };
  readonly microphone?: MediaStreamTrack | undefined;
  readonly camera?: MediaStreamTrack | undefined;
  readonly screen?: MediaStreamTrack | undefined;
  readonly speakerId?: string | undefined;
  /** The screens and windows offered while the app's own picker is open (Electron). */
  readonly screenSources?: readonly ScreenSource[] | undefined;
  /** The last thing that went wrong with a device (shown, never fatal to the call). */
  readonly problem?: string | undefined;
}

export class CallStore {
  readonly #store = new Store<CallView | undefined>(undefined);
  readonly #stops: (() => void)[] = [];

  constructor(
    private readonly client: ParleyClient,
    private readonly media: CallMediaSource,
  ) {
    this.#stops.push(
      client.on('call-state', (call) => this.#onState(call)),
      client.on('call-track', ({ callId, track }) => {
        const remote = track as MediaStreamTrack;
        if (this.#view?.call.callId !== callId) return;
        this.#set(remote.kind === 'audio' ? { remoteAudio: remote } : { remoteVideo: remote });
      }),
      client.on('call-mute', ({ callId, audio, video, screen }) => {
        if (this.#view?.call.callId === callId) this.#set({ remote: { audio, video, screen } });
      }),
    );
  }

  readonly subscribe = this.#store.subscribe;

  readonly view = this.#store.get;

  get #view(): CallView | undefined {
    return this.#store.get();
  }

  /** Calls `account`: asks for the microphone (and camera), then rings. */
  async start(account: string, video: boolean): Promise<void> {
    if (this.client.calls.current !== undefined) return;
    const stream = await this.#userMedia(video);
    const call = this.client.calls.place(account, {
      video,
      ...(stream === undefined ? {} : { media: stream }),
    });
    this.#adopt(call, stream);
  }

  async accept(video: boolean): Promise<void> {
    const call = this.#view?.call;
    if (call === undefined) return;
    const stream = await this.#userMedia(video && call.media === 'video');
    if (this.client.calls.current?.callId !== call.callId) {
      for (const track of stream?.getTracks() ?? []) track.stop();
      return;
    }
    this.client.calls.accept(call.callId, { video, ...(stream === undefined ? {} : { media: stream }) });
    this.#adopt(this.client.calls.current ?? call, stream);
  }

  decline(message?: string): void {
    const call = this.#view?.call;
    if (call !== undefined) this.client.calls.decline(call.callId, message);
  }

  hangup(): void {
    const call = this.#view?.call;
    if (call !== undefined && call.phase !== 'ended') this.client.calls.hangup(call.callId);
  }

  /** Closes the "call ended" screen. */
  dismiss(): void {
    if (this.#view?.call.phase === 'ended') this.#replace(undefined);
  }

  toggleMute(): void {
    const view = this.#view;
    if (view === undefined) return;
    const muted = { ...view.muted, audio: !view.muted.audio };
    this.client.calls.setMuted(view.call.callId, muted);
    this.#set({ muted });
  }

  /** Camera off and on; in a call without a camera yet, turning it on opens one (and renegotiates). */
  async toggleCamera(): Promise<void> {
    const view = this.#view;
    if (view === undefined) return;
    if (view.camera === undefined || view.camera.readyState === 'ended') {
      await this.switchDevice('video');
      if (view.muted.video) this.#setMuted({ ...view.muted, video: false });
      return;
    }
    this.#setMuted({ ...view.muted, video: !view.muted.video });
  }

  /** Another microphone or camera (undefined: the default one), replacing the current one in the call. */
  async switchDevice(kind: 'audio' | 'video', deviceId?: string): Promise<void> {
    const callId = this.#view?.call.callId;
    if (callId === undefined) return;
    try {
      const track = await this.media.track(kind, deviceId);
      if (this.client.calls.current?.callId !== callId) {
        track.stop();
        return;
      }
      this.client.calls.replaceTrack(callId, track);
      this.#set(kind === 'audio' ? { microphone: track } : { camera: track });
    } catch (error) {
      this.#set({ problem: errorText(error) });
    }
  }

  setSpeaker(deviceId: string): void {
    this.#set({ speakerId: deviceId });
  }

  async toggleScreen(): Promise<void> {
    const view = this.#view;
    if (view === undefined) return;
    if (view.screen !== undefined) {
      this.client.calls.shareScreen(view.call.callId, undefined);
      this.#set({ screen: undefined });
      return;
    }
    const listing = this.media.screenSources();
    if (listing === undefined) {
      await this.pickScreen(undefined);
      return;
    }
    try {
      this.#set({ screenSources: await listing });
    } catch (error) {
      this.#set({ problem: errorText(error) });
    }
  }

  /** Shares the screen picked in the app's picker (or, with undefined, the browser's own picker's). */
  async pickScreen(sourceId: string | undefined): Promise<void> {
    const callId = this.#view?.call.callId;
    if (callId === undefined) return;
    this.#set({ screenSources: undefined });
    try {
      const track = await this.media.screen(sourceId);
      if (this.client.calls.current?.callId !== callId) {
        track.stop();
        return;
      }
      // The browser's own "Stop sharing" ends the track: the camera comes back.
      track.addEventListener('ended', () => {
        if (this.#view?.screen !== track) return;
        if (this.client.calls.current?.callId === callId) this.client.calls.shareScreen(callId, undefined);
        this.#set({ screen: undefined });
      });
      this.client.calls.shareScreen(callId, track);
      this.#set({ screen: track });
    } catch (error) {
      this.#set({ problem: errorText(error) });
    }
  }

  cancelScreenPicker(): void {
    this.#set({ screenSources: undefined });
  }

  close(): void {
    for (const stop of this.#stops) stop();
    this.#store.unsubscribeAll();
  }

  #setMuted(muted: { audio: boolean; video: boolean }): void {
    const view = this.#view;
    if (view === undefined) return;
    this.client.calls.setMuted(view.call.callId, muted);
    this.#set({ muted });
  }

  async #userMedia(video: boolean): Promise<MediaStream | undefined> {
    try {
      return await this.media.userMedia(video);
    } catch {
      // No microphone (or refused): the call still connects, receiving only.
      return undefined;
    }
  }

  #adopt(call: CallSnapshot, stream: MediaStream | undefined): void {
    const [microphone] = stream?.getAudioTracks() ?? [];
    const [camera] = stream?.getVideoTracks() ?? [];
    this.#onState(call);
    this.#set({
      ...(microphone === undefined ? {} : { microphone }),
      ...(camera === undefined || camera.readyState === 'ended' ? {} : { camera }),
    });
  }

  #onState(call: CallSnapshot): void {
    const view = this.#view;
    if (view !== undefined && view.call.callId === call.callId) {
      // A call that only rang here (missed, cancelled, declined) leaves its line in the chat, no screen.
      if (call.phase === 'ended' && call.direction === 'incoming' && view.call.phase === 'ringing')
        this.#replace(undefined);
      else this.#set({ call });
      return;
    }
    // A new call replaces whatever was shown (a stale `ended` of another call does not).
    if (call.phase === 'ended') return;
    // Both called each other at once: the engine answered the other's call with our own tracks.
    const glare =
      view !== undefined && view.call.phase !== 'ended' && view.call.peer === call.peer
        ? { microphone: view.microphone, camera: view.camera, muted: view.muted }
        : { muted: { audio: false, video: false } };
    this.#replace({ call, remote: { audio: true, video: call.media === 'video', screen: false }, ...glare });
  }

  #set(change: Partial<CallView>): void {
    if (this.#view === undefined) return;
    this.#replace({ ...this.#view, ...change });
  }

  #replace(view: CallView | undefined): void {
    this.#store.set(view);
  }
}
