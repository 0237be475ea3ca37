/** How many bars a voice message's waveform has (the engine accepts up to 256 levels). */
export const WAVEFORM_BARS = 64;

/**
 * A waveform from decoded audio samples: the peak (largest absolute sample) of each of `bars` equal slices,
 * scaled so the loudest bar is 1, rounded to two decimals to keep the message small. Silence gives zeros.
 */
export function waveformPeaks(samples: ArrayLike<number>, bars = WAVEFORM_BARS): number[] {
  if (!Number.isInteger(bars) || bars <= 0) throw new RangeError('bars must be a positive integer');
  const peaks = new Array<number>(bars).fill(0);
  if (samples.length === 0) return peaks;
  for (let bar = 0; bar < bars; bar++) {
    const start = Math.floor((bar * samples.length) / bars);
    const end = Math.max(start + 1, Math.floor(((bar + 1) * samples.length) / bars));
    let peak = 0;
    for (let i = start; i < end && i < samples.length; i++) {
      const value = Math.abs(samples[i] ?? 0);
      if (value > peak) peak = value;
    }
    peaks[bar] = peak;
  }
  const loudest = Math.max(...peaks);
  if (loudest === 0) return peaks;
  return peaks.map((peak) => Math.round((peak / loudest) * 100) / 100);
}

/**
 * A waveform drawn in `bars` bars whatever its stored length (a peer may send fewer or more levels). Each bar
 * shows the loudest level of the slice it covers, so narrowing never drops a peak.
 */
export function resampleWaveform(levels: readonly number[], bars: number): number[] {
  if (levels.length === 0) return new Array<number>(bars).fill(0);
  const clamp = (level: number | undefined) =>
    level !== undefined && Number.isFinite(level) ? Math.min(1, Math.max(0, level)) : 0;
  return Array.from({ length: bars }, (_, bar) => {
    const start = Math.min(levels.length - 1, Math.floor((bar * levels.length) / bars));
    const end = Math.max(start + 1, Math.floor(((bar + 1) * levels.length) / bars));
    let peak = 0;
    for (let i = start; i < end && i < levels.length; i++) peak = Math.max(peak, clamp(levels[i]));
    return peak;
  });
}
