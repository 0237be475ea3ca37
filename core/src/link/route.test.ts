import { describe, expect, it } from 'vitest';
import { routeFromStats, type StatsReport } from './route.js';

function stats(local: string, remote: string, style: 'transport' | 'selected' | 'nominated'): StatsReport[] {
  return [
    { id: 'L', type: 'local-candidate', candidateType: local },
    { id: 'R', type: 'remote-candidate', candidateType: remote },
    { id: 'other', type: 'candidate-pair', localCandidateId: 'X', remoteCandidateId: 'Y', state: 'failed' },
    {
      id: 'P',
      type: 'candidate-pair',
      localCandidateId: 'L',
      remoteCandidateId: 'R',
      ...(style === 'selected' ? { selected: true } : {}),
      ...(style === 'nominated' ? { nominated: true, state: 'succeeded' } : {}),
    },
    ...(style === 'transport' ? [{ id: 'T', type: 'transport', selectedCandidatePairId: 'P' }] : []),
  ];
}

describe('routeFromStats', () => {
  it('calls host, server- and peer-reflexive pairs direct', () => {
    expect(routeFromStats(stats('host', 'host', 'transport'))).toBe('direct');
    expect(routeFromStats(stats('srflx', 'prflx', 'selected'))).toBe('direct');
  });

  it('calls a pair with a relay candidate on either end turn', () => {
    expect(routeFromStats(stats('relay', 'host', 'transport'))).toBe('turn');
    expect(routeFromStats(stats('host', 'relay', 'nominated'))).toBe('turn');
  });

  it('says unknown when no pair is selected', () => {
    expect(routeFromStats(stats('host', 'host', 'transport').slice(0, 3))).toBe('unknown');
    expect(routeFromStats([])).toBe('unknown');
  });
});
