import { describe, expect, it } from 'vitest';
import type { GroupState } from '../messaging/content.js';
import { groupChangeBetween, groupChangeMessageId, groupChangeOf } from './group-changes.js';

const base: GroupState = {
  groupId: 'g1',
  version: 1,
  name: 'Band',
  members: ['ann', 'bob', 'cat'],
  admins: ['ann'],
  inviteToken: 't1',
  changedBy: 'ann',
};

describe('group change lines', () => {
  it('describes the first state seen, and who was added, removed and made admin by whom', () => {
    expect(groupChangeBetween(undefined, base)).toMatchObject({ first: true, by: 'ann', name: 'Band' });
    const next: GroupState = {
      ...base,
      version: 2,
      members: ['ann', 'bob', 'dan'],
      admins: ['ann', 'bob'],
      name: 'The band',
      avatar: 'picture',
      inviteToken: 't2',
    };
    expect(groupChangeBetween(base, next)).toEqual({
      groupId: 'g1',
      version: 2,
      by: 'ann',
      first: false,
      name: 'The band',
      added: ['dan'],
      removed: ['cat'],
      admins: ['bob'],
      renamed: true,
      picture: 'changed',
      inviteReset: true,
    });
  });

  it('writes no line for a version that changes nothing a person sees', () => {
    expect(groupChangeBetween(base, { ...base, version: 2 })).toBeUndefined();
  });

  it('reads a stored line back, and nothing from an ordinary or damaged message', () => {
    const change = groupChangeBetween(base, { ...base, version: 2, members: ['ann', 'bob'] });
    expect(groupChangeOf({ kind: 'group-change', text: JSON.stringify(change) })).toEqual(change);
    expect(groupChangeOf({ text: JSON.stringify(change) })).toBeUndefined();
    expect(groupChangeOf({ kind: 'group-change', text: '{"groupId":1}' })).toBeUndefined();
    expect(groupChangeOf({ kind: 'group-change', text: 'not json' })).toBeUndefined();
    expect(groupChangeMessageId('g1', 2)).not.toBe(groupChangeMessageId('g1', 3));
  });
});
