import { describe, expect, it } from 'vitest';
import type { CallSnapshot } from '@parley/core';
import { callStatusText, endedText } from './call-screen-text.js';

const call: CallSnapshot = {
  callId: 'c',
  peer: 'bob',
  direction: 'outgoing',
  media: 'video',
  phase: 'ringing',
  createdAt: 0,
  reconnecting: false,
};

describe('call screen text', () => {
  it('says what the call is doing, with a running timer once answered', () => {
    expect(callStatusText(call, 'Bob', 0)).toBe('Ringing…');
    expect(callStatusText({ ...call, direction: 'incoming' }, 'Bob', 0)).toBe('Incoming video call');
    expect(callStatusText({ ...call, phase: 'connecting' }, 'Bob', 0)).toBe('Connecting…');
    expect(callStatusText({ ...call, phase: 'active', answeredAt: 1000 }, 'Bob', 66_000)).toBe('1:05');
    expect(callStatusText({ ...call, phase: 'active', answeredAt: 0, reconnecting: true }, 'Bob', 5)).toBe(
      'Reconnecting…',
    );
  });

  it('says why a call ended', () => {
    expect(endedText({ kind: 'busy' }, 'Bob')).toBe('Bob is on another call');
    expect(endedText({ kind: 'answered-elsewhere' }, 'Bob')).toBe('Answered on another device');
    expect(endedText({ kind: 'declined-elsewhere' }, 'Bob')).toBe('Declined on another device');
    expect(endedText({ kind: 'declined-with-message', message: 'later' }, 'Bob')).toBe('Bob declined: later');
    expect(endedText({ kind: 'failed', failure: 'fingerprint-not-authenticated', by: 'remote' }, 'Bob')).toBe(
      'Call ended: it could not be end-to-end encrypted',
    );
    expect(endedText({ kind: 'hangup', by: 'remote' }, 'Bob')).toBe('Call ended');
  });
});
