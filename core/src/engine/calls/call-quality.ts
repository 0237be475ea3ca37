/**
 * The network-quality reading of a call, for the UI's indicator: read from the call's own peer connection's
 * getStats report (W3C webrtc-stats), which the browser's and @roamhq/wrtc's RTCPeerConnection both produce.
 * Rates and loss are over the time since the previous reading of the same call; the first reading has them
 * over the whole call so far (loss) or not at all (bitrates).
 */

/** `relay`: the selected candidate pair goes through a TURN server (either end relayed); `direct` otherwise. */
export type CallRoute = 'direct' | 'relay';

export interface CallQuality {
  /** The stats report's time (ms), on the WebRTC implementation's clock. */
  readonly at: number;
  /** Undefined before ICE has selected a candidate pair. */
  readonly route?: CallRoute;
  /** The selected pair's current round-trip time (ms), from ICE consent checks; undefined before the first. */
  readonly roundTripMs?: number;
  /** Share of the peer's RTP packets lost (0…1) since the previous reading; undefined with no media received. */
  readonly packetLoss?: number;
  /** Bits per second sent and received on the selected pair since the previous reading. */
  readonly sendBitrate?: number;
  readonly receiveBitrate?: number;
}

/** The counters a reading keeps for the next one's rates. */
export interface QualitySample {
  readonly at: number;
  readonly bytesSent: number;
  readonly bytesReceived: number;
  readonly packetsReceived: number;
  readonly packetsLost: number;
}

type StatsEntry = Record<string, unknown>;

function numberOf(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/** The candidate pair ICE selected: the transport's `selectedCandidatePairId`, else the nominated pair in use. */
function selectedPair(reports: ReadonlyMap<string, StatsEntry>): StatsEntry | undefined {
  for (const report of reports.values()) {
    if (report.type !== 'transport' || typeof report.selectedCandidatePairId !== 'string') continue;
    const pair = reports.get(report.selectedCandidatePairId);
    if (pair !== undefined) return pair;
  }
  for (const report of reports.values()) {
    if (report.type === 'candidate-pair' && (report.selected === true || report.nominated === true)) {
      if (report.state === 'succeeded') return report;
    }
  }
  return undefined;
}

/**
 * Whether the peer's end of the pair is a TURN relay. Its checks may arrive before its relay candidate is
 * signalled: then the pair's remote end is a peer-reflexive candidate at the relayed address, known for what
 * it is once a remote `relay` candidate with the same address and port shows up.
 */
function isRelayed(reports: ReadonlyMap<string, StatsEntry>, remote: StatsEntry | undefined): boolean {
  if (remote === undefined) return false;
  if (remote.candidateType === 'relay') return true;
  if (remote.candidateType !== 'prflx') return false;
  const address = remote.address ?? remote.ip;
  for (const report of reports.values()) {
    if (report.type !== 'remote-candidate' || report.candidateType !== 'relay') continue;
    if ((report.address ?? report.ip) === address && report.port === remote.port) return true;
  }
  return false;
}

/**
 * Reads a quality from one getStats report (`reports` by id), against the `previous` reading's counters.
 * Returns the quality and the counters to pass as `previous` next time.
 */
export function readCallQuality(
  reports: ReadonlyMap<string, StatsEntry>,
  previous?: QualitySample,
): { quality: CallQuality; sample: QualitySample } {
  let at = 0;
  let packetsReceived = 0;
  let packetsLost = 0;
  let inbound = false;
  for (const report of reports.values()) {
    at = Math.max(at, numberOf(report.timestamp) ?? 0);
    if (report.type === 'inbound-rtp') {
      inbound = true;
      packetsReceived += numberOf(report.packetsReceived) ?? 0;
      // packetsLost can go negative with duplicates (RFC 3550); a negative loss is no loss.
      packetsLost += Math.max(0, numberOf(report.packetsLost) ?? 0);
    }
  }
  const pair = selectedPair(reports);
  const sample: QualitySample = {
    at,
    bytesSent: numberOf(pair?.bytesSent) ?? 0,
    bytesReceived: numberOf(pair?.bytesReceived) ?? 0,
    packetsReceived,
    packetsLost,
  };
  const quality: { -readonly [K in keyof CallQuality]: CallQuality[K] } = { at };
  if (pair !== undefined) {
    const local = typeof pair.localCandidateId === 'string' ? reports.get(pair.localCandidateId) : undefined;
    const remote =
      typeof pair.remoteCandidateId === 'string' ? reports.get(pair.remoteCandidateId) : undefined;
    quality.route = local?.candidateType === 'relay' || isRelayed(reports, remote) ? 'relay' : 'direct';
    const rtt = numberOf(pair.currentRoundTripTime);
    if (rtt !== undefined) quality.roundTripMs = rtt * 1000;
  }
  if (inbound) {
    const since = previous ?? { packetsReceived: 0, packetsLost: 0 };
    const received = Math.max(0, packetsReceived - since.packetsReceived);
    const lost = Math.max(0, packetsLost - since.packetsLost);
    quality.packetLoss = received + lost === 0 ? 0 : lost / (received + lost);
  }
  if (previous !== undefined && at > previous.at) {
    const seconds = (at - previous.at) / 1000;
    quality.sendBitrate = (Math.max(0, sample.bytesSent - previous.bytesSent) * 8) / seconds;
    quality.receiveBitrate = (Math.max(0, sample.bytesReceived - previous.bytesReceived) * 8) / seconds;
  }
  return { quality, sample };
}
