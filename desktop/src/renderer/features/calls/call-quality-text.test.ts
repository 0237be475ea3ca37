import { describe, expect, it } from 'vitest';
import { qualityBars, qualityLabel, qualityLevel } from './call-quality-text.js';

describe('call quality level', () => {
  it('is good below 150 ms and 2 % loss', () => {
    expect(qualityLevel({ at: 0, roundTripMs: 40, packetLoss: 0 })).toBe('good');
    expect(qualityLevel({ at: 0, roundTripMs: 149, packetLoss: 0.019 })).toBe('good');
  });

  it('is fair from either good bound up to the poor ones', () => {
    expect(qualityLevel({ at: 0, roundTripMs: 150, packetLoss: 0 })).toBe('fair');
    expect(qualityLevel({ at: 0, roundTripMs: 20, packetLoss: 0.02 })).toBe('fair');
    expect(qualityLevel({ at: 0, roundTripMs: 399, packetLoss: 0.099 })).toBe('fair');
  });

  it('is poor from 400 ms or 10 % loss, whichever comes first', () => {
    expect(qualityLevel({ at: 0, roundTripMs: 400, packetLoss: 0 })).toBe('poor');
    expect(qualityLevel({ at: 0, roundTripMs: 20, packetLoss: 0.1 })).toBe('poor');
  });

  it('is unknown before the first round trip; no media yet counts as no loss', () => {
    expect(qualityLevel({ at: 0, packetLoss: 0.5 })).toBeUndefined();
    expect(qualityLevel({ at: 0, roundTripMs: 30 })).toBe('good');
  });

  it('lights three, two, one or no bars', () => {
    expect(['good', 'fair', 'poor', undefined].map((level) => qualityBars(level as never))).toEqual([
      3, 2, 1, 0,
    ]);
  });
});

describe('call quality label', () => {
  it('says the route and the figures', () => {
    const label = qualityLabel({
      at: 0,
      route: 'relay',
      roundTripMs: 12.4,
      packetLoss: 0.005,
      sendBitrate: 812_000,
      receiveBitrate: 640_400,
    });
    expect(label).toBe(
      'Connection good, Relayed (through the TURN server), round trip 12 ms, loss 0.5 %, sending 812 kbps, receiving 640 kbps',
    );
    expect(qualityLabel({ at: 0, route: 'direct' })).toBe(
      'Measuring connection, Direct, sending –, receiving –',
    );
  });
});
