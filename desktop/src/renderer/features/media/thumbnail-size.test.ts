import { describe, expect, it } from 'vitest';
import { displaySize, fitWithin } from './thumbnail-size.js';

describe('thumbnail scaling', () => {
  it('scales a large photo down so its longer side fits, keeping its proportions', () => {
    expect(fitWithin(4000, 3000)).toEqual({ width: 320, height: 240 });
    expect(fitWithin(1080, 1920)).toEqual({ width: 180, height: 320 });
  });

  it('never scales a small picture up, and keeps a very thin one at least a pixel wide', () => {
    expect(fitWithin(100, 50)).toEqual({ width: 100, height: 50 });
    expect(fitWithin(10_000, 2)).toEqual({ width: 320, height: 1 });
  });

  it('refuses a picture without a size', () => {
    expect(() => fitWithin(0, 10)).toThrow(RangeError);
    expect(() => fitWithin(Number.NaN, 10)).toThrow(RangeError);
  });

  it('fits a bubble picture into its box either way round', () => {
    expect(displaySize(320, 240)).toEqual({ width: 300, height: 225 });
    expect(displaySize(180, 320)).toEqual({ width: 180, height: 320 });
    expect(displaySize(0, 0)).toEqual({ width: 300, height: 320 });
  });
});
