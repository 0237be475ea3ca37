import { describe, expect, it } from 'vitest';
import { generateIdentity, identityString } from '../../crypto/index.js';
import type { GroupState } from '../messaging/content.js';
import { signGroupState, validateGroupState } from './groups.js';

const admin = generateIdentity();
const member = generateIdentity();
const other = generateIdentity();
const [A, M, O] = [admin, member, other].map((identity) => identityString(identity.identityKey)) as [
  string,
  string,
  string,
];

const base: GroupState = {
  groupId: 'g1',
  version: 1,
  name: 'team',
  members: [A, M, O],
  admins: [A],
  inviteToken: 'token1',
  changedBy: A,
};

describe('group state validation', () => {
  it('accepts a new group announced by its admin', () => {
    expect(() => validateGroupState(undefined, base, signGroupState(admin, base), A, {})).not.toThrow();
  });

  it('lets an admin remove a member', () => {
    const next = { ...base, version: 2, members: [A, M] };
    expect(() => validateGroupState(base, next, signGroupState(admin, next), A, {})).not.toThrow();
  });

  it('refuses a removal by a member who is not an admin', () => {
    const next = { ...base, version: 2, members: [A, M], changedBy: M };
    expect(() => validateGroupState(base, next, signGroupState(member, next), M, {})).toThrow(
      expect.objectContaining({ code: 'ACCESS_DENIED' }),
    );
  });

  it('lets any member leave', () => {
    const next = { ...base, version: 2, members: [A, O], changedBy: M };
    expect(() => validateGroupState(base, next, signGroupState(member, next), M, {})).not.toThrow();
  });

  it('refuses a state signed by someone other than its author', () => {
    const next = { ...base, version: 2, name: 'renamed' };
    expect(() => validateGroupState(base, next, signGroupState(other, next), A, {})).toThrow(
      expect.objectContaining({ code: 'INVALID_SIGNATURE' }),
    );
  });

  it('refuses a replayed older version', () => {
    expect(() => validateGroupState(base, base, signGroupState(admin, base), A, {})).toThrow(
      expect.objectContaining({ code: 'CONFLICT' }),
    );
  });
});
