import { describe, expect, it } from 'vitest';
import { resampleWaveform, waveformPeaks } from './waveform.js';

describe('voice message waveform', () => {
  it('takes the loudest sample of each slice, scaled so the loudest bar is full height', () => {
    const samples = [0.1, -0.2, 0.05, 0.0, -0.5, 0.25, 0.1, 0.1];
    expect(waveformPeaks(samples, 4)).toEqual([0.4, 0.1, 1, 0.2]);
  });

  it('gives a flat line for silence and for no audio at all', () => {
    expect(waveformPeaks(new Float32Array(1000), 8)).toEqual(new Array(8).fill(0));
    expect(waveformPeaks([], 3)).toEqual([0, 0, 0]);
  });

  it('still fills every bar when there are fewer samples than bars', () => {
    expect(waveformPeaks([0.5, 1], 4)).toEqual([0.5, 0.5, 1, 1]);
  });

  it('refuses a bar count that is not a positive integer', () => {
    expect(() => waveformPeaks([1], 0)).toThrow(RangeError);
  });

  it('draws a waveform received from a peer in the bars the bubble has, clamping bad levels', () => {
    expect(resampleWaveform([0, 1], 4)).toEqual([0, 0, 1, 1]);
    // Narrowing keeps each slice's peak, so the loudest level always shows at full height.
    expect(resampleWaveform([0.2, 0.4, 0.6, 0.8], 2)).toEqual([0.4, 0.8]);
    expect(resampleWaveform([0.1, 1, 0.2, 0.3], 2)).toEqual([1, 0.3]);
    expect(resampleWaveform([2, -1, Number.NaN], 3)).toEqual([1, 0, 0]);
    expect(resampleWaveform([], 2)).toEqual([0, 0]);
  });
});
