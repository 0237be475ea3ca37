/**
 * DTLS fingerprints in SDP (RFC 8122 `a=fingerprint:<hash> <hex>`), to compare the certificate the media
 * connection actually negotiated (getStats' remote `certificate`) with the one the peer announced through
 * the pair's sealed session: a mismatch means someone between the peers answered DTLS, and the call fails
 * closed with `fingerprint-not-authenticated`.
 */
export interface DtlsFingerprint {
  readonly algorithm: string;
  /** Upper-case hex pairs separated by colons, as in SDP. */
  readonly value: string;
}

const FINGERPRINT_LINE = /^a=fingerprint:(\S+) ([0-9A-Fa-f]{2}(?::[0-9A-Fa-f]{2})+)\s*$/;

/** Every fingerprint in the SDP (session and media level), normalised. */
export function sdpFingerprints(sdp: string): DtlsFingerprint[] {
  const found: DtlsFingerprint[] = [];
  for (const line of sdp.split(/\r?\n/)) {
    const match = FINGERPRINT_LINE.exec(line);
    if (match?.[1] === undefined || match[2] === undefined) continue;
    const fingerprint = { algorithm: match[1].toLowerCase(), value: match[2].toUpperCase() };
    if (!found.some((f) => f.algorithm === fingerprint.algorithm && f.value === fingerprint.value)) {
      found.push(fingerprint);
    }
  }
  return found;
}

/**
 * Whether the negotiated remote certificate (`fingerprintAlgorithm`, `fingerprint` of getStats' certificate
 * report) is one the authenticated SDP announced. An SDP without fingerprints authenticates nothing.
 */
export function fingerprintAuthenticated(
  authenticatedSdp: string,
  negotiated: { fingerprintAlgorithm: string; fingerprint: string },
): boolean {
  const algorithm = negotiated.fingerprintAlgorithm.toLowerCase();
  const value = negotiated.fingerprint.toUpperCase();
  return sdpFingerprints(authenticatedSdp).some((f) => f.algorithm === algorithm && f.value === value);
}
