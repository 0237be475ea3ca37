/**
 * The route indicator: whether a connected link goes straight to the peer or through a TURN server.
 * It is read from the WebRTC stats of the selected ICE candidate pair.
 */
export type LinkRoute = 'direct' | 'turn' | 'unknown';

/** One stats report, as simple-peer's `getStats` flattens them (the standard fields we read, nothing else). */
export interface StatsReport {
  readonly id?: unknown;
  readonly type?: unknown;
  readonly selectedCandidatePairId?: unknown;
  readonly selected?: unknown;
  readonly nominated?: unknown;
  readonly state?: unknown;
  readonly localCandidateId?: unknown;
  readonly remoteCandidateId?: unknown;
  readonly candidateType?: unknown;
}

function isCandidatePair(report: StatsReport): boolean {
  return report.type === 'candidate-pair' || report.type === 'candidatepair';
}

/**
 * Finds the selected candidate pair: the transport's `selectedCandidatePairId` (the standard way), else a
 * pair flagged `selected` (Firefox), else a nominated pair that succeeded.
 */
function selectedPair(reports: readonly StatsReport[]): StatsReport | undefined {
  const byId = new Map(reports.map((report) => [report.id, report]));
  for (const report of reports) {
    if (report.type === 'transport' && typeof report.selectedCandidatePairId === 'string') {
      const pair = byId.get(report.selectedCandidatePairId);
      if (pair !== undefined) return pair;
    }
  }
  return (
    reports.find((report) => isCandidatePair(report) && report.selected === true) ??
    reports.find(
      (report) => isCandidatePair(report) && report.nominated === true && report.state === 'succeeded',
    )
  );
}

/**
 * 'turn' when either end of the selected pair is a relay candidate; 'direct' for host, server-reflexive
 * and peer-reflexive candidates on both ends; 'unknown' when the stats do not say.
 */
export function routeFromStats(reports: readonly StatsReport[]): LinkRoute {
  const pair = selectedPair(reports);
  if (pair === undefined) return 'unknown';
  const byId = new Map(reports.map((report) => [report.id, report]));
  const types = [pair.localCandidateId, pair.remoteCandidateId].map((id) => byId.get(id)?.candidateType);
  if (types.some((type) => type === 'relay')) return 'turn';
  if (types.every((type) => type === 'host' || type === 'srflx' || type === 'prflx')) return 'direct';
  return 'unknown';
}
