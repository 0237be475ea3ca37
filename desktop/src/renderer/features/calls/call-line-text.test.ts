import { describe, expect, it } from 'vitest';
import type { CallLogEntry } from '@parley/core';
import { describeCallLine, formatDuration } from './call-line-text.js';

const base: CallLogEntry = {
  callId: 'c',
  peer: 'bob',
  direction: 'outgoing',
  media: 'video',
  outcome: 'answered',
  startedAt: 0,
  endedAt: 65_000,
  durationMs: 65_000,
};

describe('call-log line text', () => {
  it('says how each call went', () => {
    expect(describeCallLine(base)).toBe('Outgoing video call · 1:05');
    expect(describeCallLine({ ...base, direction: 'incoming', media: 'audio', outcome: 'missed' })).toBe(
      'Missed voice call',
    );
    expect(describeCallLine({ ...base, outcome: 'missed' })).toBe('Outgoing video call · no answer');
    expect(describeCallLine({ ...base, outcome: 'declined', message: 'In a meeting' })).toBe(
      'Outgoing video call · declined: In a meeting',
    );
    expect(describeCallLine({ ...base, outcome: 'busy' })).toBe('Outgoing video call · busy');
    expect(describeCallLine({ ...base, direction: 'incoming', outcome: 'answered-elsewhere' })).toBe(
      'Incoming video call · answered on another device',
    );
    expect(describeCallLine({ ...base, outcome: 'failed', failure: 'fingerprint-not-authenticated' })).toBe(
      'Outgoing video call · failed (not end-to-end encrypted)',
    );
  });

  it('formats durations as m:ss and h:mm:ss', () => {
    expect(formatDuration(0)).toBe('0:00');
    expect(formatDuration(59_999)).toBe('0:59');
    expect(formatDuration(3_723_000)).toBe('1:02:03');
  });
});
