/**
 * The local side of a call's media: the microphone, camera and screen tracks the app hands to
 * `client.calls`. Core imports no DOM: a track is anything shaped like a MediaStreamTrack (the browser's, or
 * @roamhq/wrtc's in Node), and the app is the one that asks the platform for devices (getUserMedia,
 * getDisplayMedia). Every track handed in is owned from then on: replaced ones and, when the call ends,
 * all of them are stopped, so no camera light stays on after a hang-up.
 */

/** The part of MediaStreamTrack a call uses. */
export interface CallTrack {
  readonly kind: string;
  enabled: boolean;
  readonly readyState?: string;
  stop(): void;
}

/** A MediaStream, or anything listing tracks (e.g. `{ getTracks: () => [track] }`). */
export interface CallMediaStream {
  getTracks(): readonly CallTrack[];
}

/** What the peer is told about this side: microphone on, camera on, screen shared. */
export interface LocalMediaState {
  readonly audio: boolean;
  readonly video: boolean;
  readonly screen: boolean;
}

export class LocalMedia {
  audio: CallTrack | undefined;
  camera: CallTrack | undefined;
  screen: CallTrack | undefined;
  /** The stream the app's tracks came in, given to addTransceiver so the peer groups them. */
  readonly stream: CallMediaStream | undefined;
  #muted = { audio: false, video: false };
  #stopped = false;

  /** `video: false` keeps the stream's video tracks out of the call (and stops them). */
  constructor(stream: CallMediaStream | undefined, { video }: { video: boolean }) {
    this.stream = stream;
    for (const track of stream?.getTracks() ?? []) {
      if (track.kind === 'audio' && this.audio === undefined) this.audio = track;
      else if (track.kind === 'video' && video && this.camera === undefined) this.camera = track;
      else track.stop();
    }
  }

  get state(): LocalMediaState {
    return {
      audio: this.audio !== undefined && !this.#muted.audio,
      video: this.camera !== undefined && !this.#muted.video,
      screen: this.screen !== undefined,
    };
  }

  /** The track the call sends for `kind`: the screen, while shared, takes the camera's place. */
  sending(kind: 'audio' | 'video'): CallTrack | undefined {
    return kind === 'audio' ? this.audio : (this.screen ?? this.camera);
  }

  setMuted(muted: { audio: boolean; video: boolean }): void {
    this.#muted = { ...muted };
    if (this.audio !== undefined) this.audio.enabled = !muted.audio;
    if (this.camera !== undefined) this.camera.enabled = !muted.video;
  }

  /** A new microphone or camera (device switch, or the camera turned on in a voice call); stops the old one. */
  replace(track: CallTrack): void {
    this.#own(track);
    const kind = track.kind === 'audio' ? 'audio' : 'camera';
    const old = this[kind];
    if (old !== track) old?.stop();
    this[kind] = track;
    // A replacement keeps the mute state the person chose.
    track.enabled = !(kind === 'audio' ? this.#muted.audio : this.#muted.video);
  }

  /** Starts (a track) or stops (undefined) sharing the screen; a stopped share's track is stopped. */
  share(track: CallTrack | undefined): void {
    if (track !== undefined) this.#own(track);
    if (this.screen !== track) this.screen?.stop();
    this.screen = track;
  }

  /** Stops every local track; later tracks handed in are stopped at once. */
  stop(): void {
    this.#stopped = true;
    for (const track of [this.audio, this.camera, this.screen]) track?.stop();
  }

  #own(track: CallTrack): void {
    if (this.#stopped) track.stop();
  }
}
