import { describe, expect, it } from 'vitest';
import { describeGroupCallLine } from './group-call-line-text.js';

describe('a group call line', () => {
  it('says who started the call and how long it ran', () => {
    const entry = { callId: 'c', startedBy: 'alice', startedAt: 1_000, endedAt: 1_000 + 65_000 };
    expect(describeGroupCallLine(entry, 'Alice')).toBe('Group call started by Alice · 1:05');
  });
});
