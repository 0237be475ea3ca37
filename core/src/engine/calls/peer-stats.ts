import { fingerprintAuthenticated } from '../../calls/index.js';

/** A peer connection's getStats reports, by report id. */
export type StatsReports = ReadonlyMap<string, Record<string, unknown>>;

/** The DTLS certificate the remote side presented, once DTLS has one (the transport report names it). */
export function remoteCertificate(reports: StatsReports): Record<string, unknown> | undefined {
  let certificate: Record<string, unknown> | undefined;
  for (const report of reports.values()) {
    if (report.type === 'transport' && typeof report.remoteCertificateId === 'string')
      certificate = reports.get(report.remoteCertificateId);
  }
  return certificate;
}

/** RTP packets received so far over every inbound stream (audio and video): it grows while media arrive. */
export function inboundPackets(reports: StatsReports): number {
  let packets = 0;
  for (const report of reports.values())
    if (report.type === 'inbound-rtp' && typeof report.packetsReceived === 'number')
      packets += report.packetsReceived;
  return packets;
}

/**
 * Whether the certificate DTLS negotiated is one the sealed SDP announced: `pending` while DTLS has none yet
 * (look again shortly), `unauthenticated` for one the SDP did not name (someone in the middle).
 */
export function certificateVerdict(
  reports: StatsReports,
  sealedSdp: string | undefined,
): 'pending' | 'authenticated' | 'unauthenticated' {
  const certificate = remoteCertificate(reports);
  if (certificate === undefined) return 'pending';
  const { fingerprint, fingerprintAlgorithm } = certificate;
  return typeof fingerprint === 'string' &&
    typeof fingerprintAlgorithm === 'string' &&
    sealedSdp !== undefined &&
    fingerprintAuthenticated(sealedSdp, { fingerprint, fingerprintAlgorithm })
    ? 'authenticated'
    : 'unauthenticated';
}
