import { mediaKind } from './media-format.js';
import { fitWithin } from './thumbnail-size.js';
import { waveformPeaks } from './waveform.js';

/** The most thumbnail bytes a message carries (64 KiB of base64url). */
const MAX_THUMBNAIL_BYTES = 48 * 1024;

/**
 * A small JPEG of an image, or of a video's first frame, drawn on a canvas at most THUMBNAIL_MAX_SIDE on its
 * longer side; lower quality until it fits in a message. Undefined for other files or what cannot be decoded.
 */
export async function makeThumbnail(file: Blob): Promise<Uint8Array | undefined> {
  const kind = mediaKind(file.type, false);
  try {
    if (kind === 'image') {
      const bitmap = await createImageBitmap(file);
      try {
        return await encode(bitmap, bitmap.width, bitmap.height);
      } finally {
        bitmap.close();
      }
    }
    if (kind === 'video') {
      const url = URL.createObjectURL(file);
      try {
        const video = await firstFrame(url);
        return await encode(video, video.videoWidth, video.videoHeight);
      } finally {
        URL.revokeObjectURL(url);
      }
    }
  } catch {
    return undefined; // a picture the browser cannot decode is sent without a preview
  }
  return undefined;
}

async function encode(
  source: CanvasImageSource,
  width: number,
  height: number,
): Promise<Uint8Array | undefined> {
  const size = fitWithin(width, height);
  const canvas = document.createElement('canvas');
  canvas.width = size.width;
  canvas.height = size.height;
  const context = canvas.getContext('2d');
  if (context === null) return undefined;
  context.drawImage(source, 0, 0, size.width, size.height);
  for (const quality of [0.75, 0.5, 0.3]) {
    const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/jpeg', quality));
    if (blob !== null && blob.size <= MAX_THUMBNAIL_BYTES) return new Uint8Array(await blob.arrayBuffer());
  }
  return undefined;
}

function firstFrame(url: string): Promise<HTMLVideoElement> {
  return new Promise((resolve, reject) => {
    const video = document.createElement('video');
    video.muted = true;
    video.preload = 'auto';
    video.addEventListener('error', () => reject(new Error('video cannot be decoded')), { once: true });
    video.addEventListener(
      'loadeddata',
      () => {
        video.addEventListener('seeked', () => resolve(video), { once: true });
        video.currentTime = Math.min(0.1, (video.duration || 0) / 2);
      },
      { once: true },
    );
    video.src = url;
  });
}

/** A recorded voice note's length and waveform, from the audio itself (Web Audio's decodeAudioData). */
export async function analyseVoice(
  recording: Blob,
  measuredMs: number,
): Promise<{ durationMs: number; waveform: number[] }> {
  const context = new AudioContext();
  try {
    const audio = await context.decodeAudioData(await recording.arrayBuffer());
    return {
      durationMs: Math.round(audio.duration * 1000) || Math.round(measuredMs),
      waveform: waveformPeaks(audio.getChannelData(0)),
    };
  } catch {
    return { durationMs: Math.round(measuredMs), waveform: waveformPeaks([]) };
  } finally {
    void context.close();
  }
}
