import { describe, expect, it } from 'vitest';
import { CallControlSchema, isCallSignal } from './control-messages.js';
import { fingerprintAuthenticated, sdpFingerprints } from './sdp-fingerprint.js';

const callId = '0123456789abcdef0123456789abcdef';

describe('call control messages', () => {
  it('accepts each message type and tells state-machine signals from media ones', () => {
    const messages = [
      { type: 'ring', callId, media: 'video' },
      { type: 'accept', callId },
      { type: 'decline', callId, message: 'later' },
      { type: 'busy', callId },
      { type: 'hangup', callId, failure: 'fingerprint-not-authenticated' },
      { type: 'offer', callId, sdp: 'v=0', iceRestart: true },
      { type: 'answer', callId, sdp: 'v=0' },
      { type: 'candidates', callId, candidates: [{ candidate: 'candidate:1 1 udp 1 127.0.0.1 9 typ host' }] },
      { type: 'mute-state', callId, audio: false, video: true },
    ];
    const parsed = messages.map((m) => CallControlSchema.parse(m));
    expect(parsed).toEqual(messages);
    expect(parsed.map(isCallSignal)).toEqual([true, true, true, true, true, false, false, false, false]);
  });

  it('refuses unknown fields, unknown failures, bad call ids, long decline messages and empty candidate lists', () => {
    for (const bad of [
      { type: 'accept', callId, extra: 1 },
      { type: 'hangup', callId, failure: 'because' },
      { type: 'accept', callId: 'CALL' },
      { type: 'decline', callId, message: 'x'.repeat(501) },
      { type: 'candidates', callId, candidates: [] },
      { type: 'candidates', callId, candidates: [{ candidate: 'c', extra: true }] },
      { type: 'mute-state', callId, audio: 'off', video: true },
      { type: 'transfer', callId },
    ]) {
      expect(CallControlSchema.safeParse(bad).success, JSON.stringify(bad).slice(0, 80)).toBe(false);
    }
  });
});

describe('DTLS fingerprints', () => {
  const sdp = [
    'v=0',
    'a=fingerprint:sha-256 ab:CD:01:23',
    'm=audio 9 UDP/TLS/RTP/SAVPF 111',
    'a=fingerprint:sha-256 AB:CD:01:23',
    'm=video 9 UDP/TLS/RTP/SAVPF 96',
    'a=fingerprint:SHA-1 00:11',
    '',
  ].join('\r\n');

  it('reads every distinct fingerprint of an SDP', () => {
    expect(sdpFingerprints(sdp)).toEqual([
      { algorithm: 'sha-256', value: 'AB:CD:01:23' },
      { algorithm: 'sha-1', value: '00:11' },
    ]);
  });

  it('authenticates only a negotiated certificate the sealed SDP announced', () => {
    expect(
      fingerprintAuthenticated(sdp, { fingerprintAlgorithm: 'sha-256', fingerprint: 'ab:cd:01:23' }),
    ).toBe(true);
    expect(
      fingerprintAuthenticated(sdp, { fingerprintAlgorithm: 'sha-256', fingerprint: 'AB:CD:01:24' }),
    ).toBe(false);
    expect(fingerprintAuthenticated(sdp, { fingerprintAlgorithm: 'sha-1', fingerprint: 'AB:CD:01:23' })).toBe(
      false,
    );
    expect(fingerprintAuthenticated('v=0\r\n', { fingerprintAlgorithm: 'sha-256', fingerprint: 'AB' })).toBe(
      false,
    );
  });
});
