import { describe, expect, it } from 'vitest';
import { readCallQuality } from './call-quality.js';
import { DIRECT_STATS, RELAYED_STATS } from './testing/recorded-stats.js';

type Report = Record<string, unknown>;

const byId = (reports: readonly Report[]) => new Map(reports.map((report) => [String(report.id), report]));

/** The recorded report with `change` applied to every report of `type`. */
function edited(reports: readonly Report[], type: string, change: (report: Report) => Report): Report[] {
  return reports.map((report) => (report.type === type ? change(report) : report));
}

describe('the network quality a call reads from getStats', () => {
  it('reads a direct route, the round-trip time and no loss from a recorded report', () => {
    const { quality } = readCallQuality(byId(DIRECT_STATS.first));
    expect(quality).toEqual({ at: 1796432841474.936, route: 'direct', roundTripMs: 0, packetLoss: 0 });
  });

  it('reads a relayed route when this side’s selected candidate is a TURN relay', () => {
    const { quality } = readCallQuality(byId(RELAYED_STATS.first));
    expect(quality.route).toBe('relay');
    expect(quality.roundTripMs).toBe(1);
  });

  it('gives bitrates over the time since the previous reading of the selected pair', () => {
    const { sample } = readCallQuality(byId(RELAYED_STATS.first));
    const { quality } = readCallQuality(byId(RELAYED_STATS.second), sample);
    const seconds = (1796432856732.156 - 1796432855725.455) / 1000;
    expect(quality.sendBitrate).toBeCloseTo(((4388 - 3546) * 8) / seconds, 6);
    expect(quality.receiveBitrate).toBeCloseTo(((211885 - 134075) * 8) / seconds, 6);
    // About 620 kbit/s of the recorded audio and video: a plausible figure, not a made-up one.
    expect(quality.receiveBitrate).toBeGreaterThan(100_000);
  });

  it('gives the loss since the previous reading, not over the whole call', () => {
    const first = edited(DIRECT_STATS.first, 'inbound-rtp', (r) => ({ ...r, packetsLost: 10 }));
    const second = edited(DIRECT_STATS.second, 'inbound-rtp', (r) => ({ ...r, packetsLost: 30 }));
    const { sample, quality: before } = readCallQuality(byId(first));
    // 20 lost (10 per stream) over the whole call so far, against 367 received.
    expect(before.packetLoss).toBeCloseTo(20 / (367 + 20), 9);
    const { quality } = readCallQuality(byId(second), sample);
    // Since then: 40 more lost, 490 − 367 = 123 more received.
    expect(quality.packetLoss).toBeCloseTo(40 / (123 + 40), 9);
  });

  it('counts the peer’s relayed address as relayed even when its checks came first (peer-reflexive)', () => {
    // Bob's view of a relay-only Alice whose relayed address he learnt from her checks, before her candidate.
    const reports = DIRECT_STATS.first.map((report): Report => {
      if (report.type !== 'remote-candidate') return report;
      return { ...report, candidateType: 'prflx' };
    });
    const [remote] = reports.filter(
      (report) => report.type === 'remote-candidate' && report.address === '::1',
    );
    expect(readCallQuality(byId(reports)).quality.route).toBe('direct');
    const signalled = { ...remote, id: 'RTCIceCandidate_signalled', candidateType: 'relay' };
    expect(readCallQuality(byId([...reports, signalled])).quality.route).toBe('relay');
  });

  it('reads no route before ICE selected a pair, and no loss before media arrived', () => {
    const { quality } = readCallQuality(
      byId(
        DIRECT_STATS.first.filter(
          (r) => r.type !== 'transport' && r.type !== 'candidate-pair' && r.type !== 'inbound-rtp',
        ),
      ),
    );
    expect(quality).toEqual({ at: 1796432841474.936 });
  });
});
