import type { SfuLayers, Viewport } from '@parley/core';

/** What the SFU knows about a simulcast or SVC producer's layers, lowest first. */
export interface LayerLadder {
  /** Each spatial layer's height in pixels and its bitrate cap (bits/s) when the sender set one. */
  spatial: ReadonlyArray<{ height: number; maxBitrate?: number }>;
  /** Temporal layers per spatial layer (L1T3 → 3). */
  temporalLayers: number;
}

/** The height a camera's top layer is assumed to have (Parley's clients send 720p camera video). */
export const TOP_LAYER_HEIGHT = 720;

/**
 * The layers a viewer should receive: the lowest spatial layer at least as tall as its tile (so nothing is
 * upscaled when a higher layer exists), stepped down while that layer's bitrate exceeds the viewer's
 * bandwidth, and the full frame rate unless even the lowest layer does not fit, then fewer temporal layers
 * (each step roughly halves the bitrate). A hidden tile (0×0) gets the lowest layer at the lowest rate.
 */
export function pickLayers(viewport: Viewport, ladder: LayerLadder): SfuLayers {
  const top = Math.max(0, ladder.spatial.length - 1);
  const topTemporal = Math.max(0, ladder.temporalLayers - 1);
  if (viewport.width === 0 || viewport.height === 0) return { spatialLayer: 0, temporalLayer: 0 };
  let spatial = ladder.spatial.findIndex((layer) => layer.height >= viewport.height);
  if (spatial === -1) spatial = top;
  const bandwidth = viewport.bandwidth;
  if (bandwidth === undefined) return { spatialLayer: spatial, temporalLayer: topTemporal };
  const bitrate = (index: number) => ladder.spatial[index]?.maxBitrate;
  while (spatial > 0 && (bitrate(spatial) ?? 0) > bandwidth) spatial -= 1;
  let temporal = topTemporal;
  let estimate = bitrate(spatial);
  while (estimate !== undefined && temporal > 0 && estimate > bandwidth) {
    temporal -= 1;
    estimate /= 2;
  }
  return { spatialLayer: spatial, temporalLayer: temporal };
}

/** Reads the ladder off a producer's RTP encodings (simulcast: one encoding per layer; SVC: one with LxTy). */
export function ladderOf(
  encodings: ReadonlyArray<{ scaleResolutionDownBy?: number; maxBitrate?: number; scalabilityMode?: string }>,
): LayerLadder {
  const mode = (text: string | undefined) => /^L(\d+)T(\d+)/.exec(text ?? '') ?? undefined;
  if (encodings.length === 1) {
    // SVC (VP9 L3T3…): spatial layers halve the height from the top.
    const [, spatialText = '1', temporalText = '1'] = mode(encodings[0]?.scalabilityMode) ?? [];
    const spatialCount = Number(spatialText);
    const maxBitrate = encodings[0]?.maxBitrate;
    return {
      spatial: Array.from({ length: spatialCount }, (_, index) => ({
        height: TOP_LAYER_HEIGHT / 2 ** (spatialCount - 1 - index),
        ...(maxBitrate !== undefined ? { maxBitrate: maxBitrate / 2 ** (spatialCount - 1 - index) } : {}),
      })),
      temporalLayers: Number(temporalText),
    };
  }
  // Simulcast: mediasoup orders the encodings lowest first. Without a scale, assume each halves the next.
  return {
    spatial: encodings.map((encoding, index) => ({
      height: TOP_LAYER_HEIGHT / (encoding.scaleResolutionDownBy ?? 2 ** (encodings.length - 1 - index)),
      ...(encoding.maxBitrate !== undefined ? { maxBitrate: encoding.maxBitrate } : {}),
    })),
    temporalLayers: Number(mode(encodings[0]?.scalabilityMode)?.[2] ?? 1),
  };
}
