import wrtc from '@roamhq/wrtc';
import type { CallMediaStream, CallTrack, ParleyClient } from '@parley/core';

/** A wrtc MediaStreamTrack (e2e/ compiles without the DOM library, where its type lives). */
export type MediaStreamTrack = CallTrack & { readonly kind: string; readonly readyState: string };
interface Sink {
  stop(): void;
}
/** The nonstandard sources and sinks, typed without the DOM library. */
const media = wrtc as unknown as {
  MediaStream: new (tracks: MediaStreamTrack[]) => CallMediaStream;
  nonstandard: {
    RTCAudioSource: new () => {
      createTrack(): MediaStreamTrack;
      onData(data: { samples: Int16Array; sampleRate: number }): void;
    };
    RTCVideoSource: new () => {
      createTrack(): MediaStreamTrack;
      onFrame(frame: { width: number; height: number; data: Uint8Array }): void;
    };
    RTCVideoSink: new (track: MediaStreamTrack) => Sink & {
      onframe: (event: { frame: { width: number } }) => void;
    };
    RTCAudioSink: new (track: MediaStreamTrack) => Sink & { ondata: () => void };
  };
};
const { RTCAudioSource, RTCVideoSource, RTCVideoSink, RTCAudioSink } = media.nonstandard;

/**
 * A fake microphone and cameras for Node calls, on @roamhq/wrtc's nonstandard sources: each camera draws
 * frames of its own size, so the receiving side can tell which camera (or screen) it is seeing. `stop()`
 * ends the frame pump (the tracks are stopped by the call, which owns them).
 */
export class FakeDevices {
  readonly #audio: InstanceType<typeof RTCAudioSource>[] = [];
  readonly #video: { source: InstanceType<typeof RTCVideoSource>; width: number; height: number }[] = [];
  readonly tracks: MediaStreamTrack[] = [];
  readonly #pump: ReturnType<typeof setInterval>;

  constructor() {
    this.#pump = setInterval(() => {
      for (const source of this.#audio) source.onData({ samples: new Int16Array(480), sampleRate: 48_000 });
      for (const { source, width, height } of this.#video)
        source.onFrame({ width, height, data: new Uint8Array((width * height * 3) / 2) });
    }, 20);
  }

  microphone(): MediaStreamTrack {
    const source = new RTCAudioSource();
    this.#audio.push(source);
    return this.#keep(source.createTrack());
  }

  /** A camera (or screen) drawing `width`×`height` frames. */
  camera(width: number, height: number): MediaStreamTrack {
    const source = new RTCVideoSource();
    this.#video.push({ source, width, height });
    return this.#keep(source.createTrack());
  }

  /** The platform's MediaStream of these tracks, as getUserMedia would give it. */
  stream(...tracks: MediaStreamTrack[]): CallMediaStream {
    return new media.MediaStream(tracks);
  }

  stop(): void {
    clearInterval(this.#pump);
  }

  #keep(track: MediaStreamTrack): MediaStreamTrack {
    this.tracks.push(track);
    return track;
  }
}

/** Counts what arrives on a remote track: video frames (with the size of the last one) or audio chunks. */
export class Received {
  frames = 0;
  samples = 0;
  width = 0;
  readonly #sink: Sink;

  constructor(track: MediaStreamTrack) {
    if (track.kind === 'video') {
      const sink = new RTCVideoSink(track);
      sink.onframe = ({ frame }) => {
        this.frames += 1;
        this.width = frame.width;
      };
      this.#sink = sink;
    } else {
      const sink = new RTCAudioSink(track);
      sink.ondata = () => {
        this.samples += 1;
      };
      this.#sink = sink;
    }
  }

  stop(): void {
    this.#sink.stop();
  }
}

/** What `client` receives in its calls, by kind: the latest remote track of each. */
export function receiving(client: ParleyClient): Map<string, Received> {
  const received = new Map<string, Received>();
  client.on('call-track', ({ track }) => {
    const remote = track as MediaStreamTrack;
    received.get(remote.kind)?.stop();
    received.set(remote.kind, new Received(remote));
  });
  return received;
}
