import type { CallQuality } from '@parley/core';

/** How the connection feels: three bars, two, or one. */
export type QualityLevel = 'good' | 'fair' | 'poor';

/**
 * Round-trip time and loss bounds, as voice calls feel them: under 150 ms and 2 % loss a conversation flows;
 * from 400 ms or 10 % loss people talk over each other and words drop out.
 */
const GOOD = { roundTripMs: 150, packetLoss: 0.02 };
const POOR = { roundTripMs: 400, packetLoss: 0.1 };

/** The level a reading shows; undefined until the first round trip was measured. */
export function qualityLevel(quality: CallQuality): QualityLevel | undefined {
  const { roundTripMs, packetLoss = 0 } = quality;
  if (roundTripMs === undefined) return undefined;
  if (roundTripMs >= POOR.roundTripMs || packetLoss >= POOR.packetLoss) return 'poor';
  if (roundTripMs < GOOD.roundTripMs && packetLoss < GOOD.packetLoss) return 'good';
  return 'fair';
}

/** How many of the three bars are lit. */
export function qualityBars(level: QualityLevel | undefined): number {
  return level === 'good' ? 3 : level === 'fair' ? 2 : level === 'poor' ? 1 : 0;
}

function kbps(bitsPerSecond: number | undefined): string {
  return bitsPerSecond === undefined ? '–' : `${Math.round(bitsPerSecond / 1000)} kbps`;
}

/** The indicator's accessible label and tooltip: the level, the route (direct or via the relay's TURN) and the figures. */
export function qualityLabel(quality: CallQuality): string {
  const level = qualityLevel(quality);
  const route =
    quality.route === 'relay'
      ? 'Relayed (through the TURN server)'
      : quality.route === 'direct'
        ? 'Direct'
        : 'Finding a route';
  const parts = [
    level === undefined ? 'Measuring connection' : `Connection ${level}`,
    route,
    ...(quality.roundTripMs === undefined ? [] : [`round trip ${Math.round(quality.roundTripMs)} ms`]),
    ...(quality.packetLoss === undefined ? [] : [`loss ${(quality.packetLoss * 100).toFixed(1)} %`]),
    `sending ${kbps(quality.sendBitrate)}`,
    `receiving ${kbps(quality.receiveBitrate)}`,
  ];
  return parts.join(', ');
}
