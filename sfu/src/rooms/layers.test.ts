import { describe, expect, it } from 'vitest';
import { ladderOf, pickLayers } from './layers.js';

// Parley's camera simulcast (docs/sfu.md): 180p / 360p / 720p, three temporal layers each.
const camera = ladderOf([
  { scaleResolutionDownBy: 4, maxBitrate: 150_000, scalabilityMode: 'L1T3' },
  { scaleResolutionDownBy: 2, maxBitrate: 500_000, scalabilityMode: 'L1T3' },
  { scaleResolutionDownBy: 1, maxBitrate: 1_500_000, scalabilityMode: 'L1T3' },
]);

describe('pickLayers', () => {
  it('gives a small tile the lowest layer and a large one the top layer, at full frame rate', () => {
    expect(pickLayers({ width: 240, height: 135 }, camera)).toEqual({ spatialLayer: 0, temporalLayer: 2 });
    expect(pickLayers({ width: 640, height: 360 }, camera)).toEqual({ spatialLayer: 1, temporalLayer: 2 });
    expect(pickLayers({ width: 1280, height: 720 }, camera)).toEqual({ spatialLayer: 2, temporalLayer: 2 });
    expect(pickLayers({ width: 3840, height: 2160 }, camera)).toEqual({ spatialLayer: 2, temporalLayer: 2 });
  });

  it('steps down to the layer the viewer’s bandwidth carries, then lowers the frame rate', () => {
    expect(pickLayers({ width: 1280, height: 720, bandwidth: 600_000 }, camera)).toEqual({
      spatialLayer: 1,
      temporalLayer: 2,
    });
    expect(pickLayers({ width: 1280, height: 720, bandwidth: 100_000 }, camera)).toEqual({
      spatialLayer: 0,
      temporalLayer: 1,
    });
  });

  it('sends a hidden tile the least there is', () => {
    expect(pickLayers({ width: 0, height: 0 }, camera)).toEqual({ spatialLayer: 0, temporalLayer: 0 });
  });

  it('reads an SVC producer’s spatial and temporal layers from its scalability mode', () => {
    const svc = ladderOf([{ scalabilityMode: 'L3T3_KEY' }]);
    expect(svc.spatial.map((layer) => layer.height)).toEqual([180, 360, 720]);
    expect(pickLayers({ width: 640, height: 360 }, svc)).toEqual({ spatialLayer: 1, temporalLayer: 2 });
  });
});
