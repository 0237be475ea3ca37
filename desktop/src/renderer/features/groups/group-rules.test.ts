import { describe, expect, it } from 'vitest';
import { ParleyError, groupChangeBetween, groupChangeOf, type GroupState } from '@parley/core';
import {
  describeChange,
  describeGroupChange,
  describeGroupError,
  formerMemberNotice,
  groupHeaderLine,
  groupAbilities,
  groupIdOf,
  memberActions,
  memberRows,
  roleOf,
} from './group-rules.js';

const names: Record<string, string> = { me: 'Me', ann: 'Ann', bob: 'Bob', cat: 'Cat' };
const nameOf = (account: string) => names[account] ?? account;

const team: GroupState = {
  groupId: 'g1',
  version: 1,
  name: 'Team',
  members: ['ann', 'me', 'bob', 'cat'],
  admins: ['ann'],
  inviteToken: 't1',
  changedBy: 'ann',
};

describe('who may do what in a group', () => {
  it('gives an admin the management actions and the member menu on others', () => {
    const state = { ...team, admins: ['ann', 'me'] };
    expect(groupAbilities(state, 'me')).toEqual({ manage: true, leave: true, participate: true });
    expect(memberActions(state, 'me', 'bob')).toEqual({ makeAdmin: true, remove: true });
    // Another admin can be removed but is already an admin.
    expect(memberActions(state, 'me', 'ann')).toEqual({ makeAdmin: false, remove: true });
  });

  it('lets a plain member only leave, with no menu on anyone', () => {
    expect(roleOf(team, 'me')).toBe('member');
    expect(groupAbilities(team, 'me')).toEqual({ manage: false, leave: true, participate: true });
    expect(memberActions(team, 'me', 'bob')).toEqual({ makeAdmin: false, remove: false });
    expect(memberActions(team, 'me', 'ann')).toEqual({ makeAdmin: false, remove: false });
  });

  it('offers nothing on our own row, even to an admin', () => {
    expect(memberActions(team, 'ann', 'ann')).toEqual({ makeAdmin: false, remove: false });
  });

  it('offers a removed member nothing, not even leaving again', () => {
    const after = { ...team, version: 2, members: ['ann', 'bob', 'cat'] };
    expect(roleOf(after, 'me')).toBe('former');
    expect(groupAbilities(after, 'me')).toEqual({ manage: false, leave: false, participate: false });
  });
});

describe('the member list', () => {
  it('shows "You" first, then admins, then the others by name', () => {
    const state = { ...team, members: ['cat', 'bob', 'me', 'ann'], admins: ['ann', 'cat'] };
    expect(memberRows(state, 'me', nameOf).map((row) => [row.name, row.admin])).toEqual([
      ['You', false],
      ['Ann', true],
      ['Cat', true],
      ['Bob', false],
    ]);
  });
});

describe('system lines for group changes', () => {
  it('says who created the group, or who added us to it', () => {
    expect(describeGroupChange(undefined, { ...team, changedBy: 'me' }, 'me', nameOf)).toEqual([
      'You created group “Team”',
    ]);
    expect(describeGroupChange(undefined, team, 'me', nameOf)).toEqual(['Ann added you to “Team”']);
  });

  it('tells a removal by an admin from a member leaving', () => {
    const removed = { ...team, version: 2, members: ['ann', 'me', 'bob'] };
    expect(describeGroupChange(team, removed, 'me', nameOf)).toEqual(['Ann removed Cat']);
    const left = { ...team, version: 2, members: ['ann', 'me', 'cat'], changedBy: 'bob' };
    expect(describeGroupChange(team, left, 'me', nameOf)).toEqual(['Bob left']);
    const us = { ...team, version: 2, members: ['ann', 'bob', 'cat'] };
    expect(describeGroupChange(team, us, 'me', nameOf)).toEqual(['Ann removed you']);
  });

  it('lists additions, new admins, renames, pictures and invite resets', () => {
    const small = { ...team, members: ['ann', 'me'] };
    const next: GroupState = {
      ...small,
      version: 2,
      members: ['ann', 'me', 'bob', 'cat'],
      admins: ['ann', 'me'],
      name: 'Crew',
      avatar: 'data:image/jpeg;base64,AA',
      inviteToken: 't2',
    };
    expect(describeGroupChange(small, next, 'me', nameOf)).toEqual([
      'Ann added Bob and Cat',
      'Ann made you a group admin',
      'Ann changed the group name to “Crew”',
      'Ann changed the group picture',
      'Ann reset the group invite link',
    ]);
  });

  it('reads a line the engine stored: the change, not the states', () => {
    const stored = groupChangeBetween(team, {
      ...team,
      version: 2,
      members: ['ann', 'me', 'cat'],
      changedBy: 'bob',
    });
    expect(stored).toBeDefined();
    if (stored === undefined) return;
    const line = { kind: 'group-change' as const, text: JSON.stringify(stored) };
    const change = groupChangeOf(line);
    expect(change === undefined ? [] : describeChange(change, 'me', nameOf)).toEqual(['Bob left']);
    expect(describeGroupChange(team, { ...team, version: 2 }, 'me', nameOf)).toEqual([]);
  });
});

describe('what a removed or departed member is told', () => {
  it('names the admin who removed us, or says we left', () => {
    const removed = { ...team, version: 2, members: ['ann', 'bob', 'cat'] };
    expect(formerMemberNotice(removed, 'me', nameOf)).toMatch(/^Ann removed you\./u);
    const left = { ...removed, changedBy: 'me' };
    expect(formerMemberNotice(left, 'me', nameOf)).toMatch(/^You left this group\./u);
    expect(formerMemberNotice(team, 'me', nameOf)).toBeUndefined();
  });

  it('lists the members in the header with You last, and tells a former member they are not one', () => {
    expect(groupHeaderLine({ ...team, members: ['me', 'cat', 'ann'] }, 'me', nameOf)).toBe('Ann, Cat, You');
    const removed = { ...team, version: 2, members: ['ann', 'bob'] };
    expect(groupHeaderLine(removed, 'me', nameOf)).toBe('You’re no longer a member of this group');
  });
});

describe('refusals', () => {
  it('explains an admin-only action the engine refused', () => {
    const refused = new ParleyError('ACCESS_DENIED', 'only an admin may change the group');
    expect(describeGroupError('rename', refused)).toBe('Only group admins can change the group name.');
    expect(describeGroupError('invite', refused)).toBe('Only group admins can invite with a link.');
  });

  it('explains a pasted link that is not a group invite', () => {
    const bad = new ParleyError('BAD_REQUEST', 'not a parley://group link');
    expect(describeGroupError('join', bad)).toMatch(/not a Parley group invite link/u);
  });
});

describe('group conversation ids', () => {
  it('reads the group id only from group conversations', () => {
    expect(groupIdOf('group:abc_1')).toBe('abc_1');
    expect(groupIdOf('direct:abc')).toBeUndefined();
    expect(groupIdOf('group:')).toBeUndefined();
  });
});
