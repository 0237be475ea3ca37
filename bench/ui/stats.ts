export function median(values: readonly number[]): number {
  return percentile(values, 0.5);
}

export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) throw new Error('no values');
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? Number.NaN;
}

export interface FrameStats {
  readonly count: number;
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
  readonly max: number;
  /** Frames that took longer than 50 ms: a stutter anyone notices. */
  readonly over50: number;
}

/** Frame durations from requestAnimationFrame timestamps. */
export function frameStats(timestamps: readonly number[]): FrameStats {
  const durations: number[] = [];
  for (let i = 1; i < timestamps.length; i++) durations.push((timestamps[i] ?? 0) - (timestamps[i - 1] ?? 0));
  return {
    count: durations.length,
    p50: percentile(durations, 0.5),
    p95: percentile(durations, 0.95),
    p99: percentile(durations, 0.99),
    max: Math.max(...durations),
    over50: durations.filter((d) => d > 50).length,
  };
}
