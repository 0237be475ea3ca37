import wrtc from '@roamhq/wrtc';
import type { CallMediaStream } from '@parley/core';

/** A wrtc MediaStreamTrack, typed as much as the benches use it. */
export interface BenchTrack {
  readonly kind: string;
  stop(): void;
}

/** @roamhq/wrtc's nonstandard sources and sinks (not in its published types). */
const media = wrtc as unknown as {
  MediaStream: new (tracks: BenchTrack[]) => CallMediaStream & { getTracks(): BenchTrack[] };
  nonstandard: {
    RTCAudioSource: new () => {
      createTrack(): BenchTrack;
      onData(data: { samples: Int16Array; sampleRate: number }): void;
    };
    RTCVideoSource: new () => {
      createTrack(): BenchTrack;
      onFrame(frame: { width: number; height: number; data: Uint8Array }): void;
    };
    RTCVideoSink: new (track: BenchTrack) => {
      onframe: (() => void) | null;
      stop(): void;
    };
  };
};

export const WIDTH = 1280;
export const HEIGHT = 720;
const FPS = 30;

/**
 * A camera (720p unless told) at 30 frames/s and a 48 kHz microphone in 10 ms chunks, on wrtc's nonstandard sources, as
 * getUserMedia would hand them to the app. The picture changes every frame (a moving band), so the encoder
 * has real work to do; the same device feeds the engine's call and the bare baseline.
 */
export class FakeCamera {
  readonly stream: CallMediaStream & { getTracks(): BenchTrack[] };
  readonly #timers: ReturnType<typeof setInterval>[] = [];

  constructor({ width = WIDTH, height = HEIGHT }: { width?: number; height?: number } = {}) {
    const audio = new media.nonstandard.RTCAudioSource();
    const video = new media.nonstandard.RTCVideoSource();
    this.stream = new media.MediaStream([audio.createTrack(), video.createTrack()]);
    const samples = new Int16Array(480);
    const frame = new Uint8Array((width * height * 3) / 2);
    let n = 0;
    this.#timers.push(
      setInterval(() => audio.onData({ samples, sampleRate: 48_000 }), 10),
      setInterval(() => {
        n += 1;
        const band = (n * 8) % height;
        frame.fill(16, 0, width * height);
        frame.fill(235, band * width, Math.min(height, band + 40) * width);
        video.onFrame({ width, height, data: frame });
      }, 1000 / FPS),
    );
  }

  stop(): void {
    for (const timer of this.#timers) clearInterval(timer);
    for (const track of this.stream.getTracks()) track.stop();
  }
}

/** Resolves on the first decoded frame of a remote video track (a frame handed to a sink). */
export function firstFrame(track: BenchTrack): Promise<void> {
  return new Promise((resolve) => {
    const sink = new media.nonstandard.RTCVideoSink(track);
    sink.onframe = () => {
      sink.onframe = null;
      sink.stop();
      resolve();
    };
  });
}

/** Counts decoded frames of a remote video track until `stop()`. */
export function countFrames(track: BenchTrack): { readonly frames: () => number; stop(): void } {
  const sink = new media.nonstandard.RTCVideoSink(track);
  let frames = 0;
  sink.onframe = () => (frames += 1);
  return { frames: () => frames, stop: () => sink.stop() };
}
