import wrtc from '@roamhq/wrtc';
import type { types } from 'mediasoup';
import { afterEach, describe, expect, it } from 'vitest';
import { newIdentity, startTestSfu, type TestSfu } from '../testing/harness.node.js';

// Opens WebRTC: run inside the loopback-only namespace (unshare -rn), as .ci/run does.

/** The part of @roamhq/wrtc's RTCPeerConnection this test uses (sfu/ compiles without the DOM types). */
interface Peer {
  readonly connectionState: string;
  onconnectionstatechange: (() => void) | null;
  createDataChannel(label: string): unknown;
  createOffer(): Promise<{ type: 'offer'; sdp?: string }>;
  setLocalDescription(description: { type: 'offer'; sdp?: string }): Promise<void>;
  setRemoteDescription(description: { type: 'answer'; sdp: string }): Promise<void>;
  close(): void;
}
const PeerConnection = wrtc.RTCPeerConnection as unknown as new (config: { iceServers: [] }) => Peer;

let sfu: TestSfu | undefined;
let pc: Peer | undefined;
afterEach(async () => {
  pc?.close();
  pc = undefined;
  await sfu?.stop();
  sfu = undefined;
});

/**
 * The SFU's answer to a browser offer with one data-channel m-section: mediasoup is ICE-lite and the DTLS
 * server (`setup:passive`), as mediasoup-client's answers are.
 */
function answerFor(offer: string, transport: Omit<types.WebRtcTransport, 'observer'>): string {
  const mid = /^a=mid:(\S+)/m.exec(offer)?.[1] ?? '0';
  const { iceParameters, iceCandidates, dtlsParameters } = transport;
  const fingerprint = dtlsParameters.fingerprints.find((f) => f.algorithm === 'sha-256');
  const udp = iceCandidates.filter((candidate) => candidate.protocol === 'udp');
  return [
    'v=0',
    'o=- 1 1 IN IP4 127.0.0.1',
    's=-',
    't=0 0',
    `a=group:BUNDLE ${mid}`,
    'a=ice-lite',
    `m=application ${udp[0]?.port ?? 9} UDP/DTLS/SCTP webrtc-datachannel`,
    'c=IN IP4 127.0.0.1',
    `a=mid:${mid}`,
    `a=ice-ufrag:${iceParameters.usernameFragment}`,
    `a=ice-pwd:${iceParameters.password}`,
    `a=fingerprint:sha-256 ${fingerprint?.value ?? ''}`,
    'a=setup:passive',
    ...udp.map(
      (c) => `a=candidate:${c.foundation} 1 udp ${c.priority} ${c.address ?? c.ip} ${c.port} typ host`,
    ),
    'a=end-of-candidates',
    'a=sctp-port:5000',
    '',
  ].join('\r\n');
}

/** The offer's DTLS fingerprint, as mediasoup-client sends it in `transport:connect`. */
function fingerprintOf(offer: string): { algorithm: string; value: string } {
  const match = /^a=fingerprint:(\S+) (\S+)/m.exec(offer);
  if (!match?.[1] || !match[2]) throw new Error('the offer has no DTLS fingerprint');
  return { algorithm: match[1], value: match[2] };
}

describe('a WebRTC transport with a browser-like peer (libwebrtc, BoringSSL)', () => {
  // Issue 14: the self-built worker died with SIGSEGV in SSL_read on the first ClientHello (Debian's
  // KTLS-enabled libssl and mediasoup's BIO callback, see sfu/scripts/build-worker.sh). The SFU's other
  // suites use PlainTransports, which have no DTLS.
  it('completes ICE and the DTLS handshake through the WebRtcServer, and the worker stays up', async () => {
    sfu = await startTestSfu({ workers: 1 });
    const room = sfu.newRoom();
    const client = await sfu.connect();
    const joined = await client.ok('join', { token: sfu.token(newIdentity(), room) });
    const created = await client.ok('transport:create', { direction: 'send' });
    const transport = sfu.sfu.context.rooms
      .get(room)
      ?.peers.get(joined.peerId)
      ?.transport(created.transportId) as types.WebRtcTransport | undefined;
    expect(transport?.type).toBe('webrtc');
    const serverDtls = new Promise<string>((resolve) =>
      transport?.on('dtlsstatechange', (state) => {
        if (state === 'connected' || state === 'failed' || state === 'closed') resolve(state);
      }),
    );

    pc = new PeerConnection({ iceServers: [] });
    const peer = pc;
    peer.createDataChannel('probe');
    const offer = await peer.createOffer();
    await peer.setLocalDescription(offer);
    const sdp = offer.sdp ?? '';
    await client.ok('transport:connect', {
      transportId: created.transportId,
      dtlsParameters: { role: 'client', fingerprints: [fingerprintOf(sdp)] },
    });
    const clientState = new Promise<string>((resolve) => {
      peer.onconnectionstatechange = () => {
        if (['connected', 'failed', 'closed'].includes(peer.connectionState)) resolve(peer.connectionState);
      };
    });
    await peer.setRemoteDescription({
      type: 'answer',
      sdp: answerFor(sdp, transport as types.WebRtcTransport),
    });

    // A worker that crashes on the handshake is replaced and the room restarted: that ends the wait too.
    const restarted = client.next('room:restart').then(({ reason }) => `room:restart (${reason})`);
    expect(await Promise.race([serverDtls, restarted])).toBe('connected');
    expect(await Promise.race([clientState, restarted])).toBe('connected');
    expect(sfu.sfu.context.pool.all()[0]?.worker.died).toBe(false);
    // The keys for SRTP came out of the handshake: mediasoup reports the negotiated suite.
    const [stats] = await (transport as types.WebRtcTransport).getStats();
    expect(stats?.dtlsState).toBe('connected');
  });
});
