import { describe, expect, it } from 'vitest';
import type { GroupState } from '@parley/core';
import { GroupChangeLog } from './change-log.js';
import { describeGroupChange } from './group-rules.js';

const names: Record<string, string> = { me: 'Me', ann: 'Ann', bob: 'Bob' };
const describeChange = (before: GroupState | undefined, after: GroupState) =>
  describeGroupChange(before, after, 'me', (account) => names[account] ?? account);

const v1: GroupState = {
  groupId: 'g1',
  version: 1,
  name: 'Team',
  members: ['ann', 'me', 'bob'],
  admins: ['ann'],
  inviteToken: 't1',
  changedBy: 'ann',
};

describe('group change lines', () => {
  it('describes each new state against the one before, once', () => {
    let clock = 1000;
    const log = new GroupChangeLog(describeChange, () => clock);
    log.observe(v1);
    clock = 2000;
    const v2 = { ...v1, version: 2, members: ['ann', 'me'] };
    log.observe(v2);
    log.observe(v2); // the same state reported twice
    log.observe(v1); // an older one arriving late
    expect(log.lines('g1').map((line) => [line.text, line.at])).toEqual([
      ['Ann added you to “Team”', 1000],
      ['Ann removed Bob', 2000],
    ]);
  });

  it('describes the first change after a restart against the state already stored', () => {
    const log = new GroupChangeLog(describeChange, () => 0);
    log.remember(v1);
    log.observe({ ...v1, version: 2, name: 'Crew' });
    expect(log.lines('g1').map((line) => line.text)).toEqual(['Ann changed the group name to “Crew”']);
  });

  it('tells its subscribers when a line is added', () => {
    const log = new GroupChangeLog(describeChange, () => 0);
    let calls = 0;
    const stop = log.subscribe(() => (calls += 1));
    log.observe(v1);
    stop();
    log.observe({ ...v1, version: 2, name: 'Crew' });
    expect(calls).toBe(1);
    expect(log.version()).toBe(2);
  });
});
