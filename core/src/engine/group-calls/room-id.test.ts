import { describe, expect, it } from 'vitest';
import { tweetnaclBackend } from '../../crypto/index.js';
import { SfuRoomIdSchema } from '../../protocol/sfu-token.js';
import { groupCallRoomId } from './room-id.js';

const backend = tweetnaclBackend;
const group = { groupId: 'alice:0123456789abcdef', inviteToken: 'f00dfeedf00dfeedf00dfeedf00dfeed' };

describe('a group call room id', () => {
  it('is the same for every member and has the shape the relay and the SFU accept', () => {
    const room = groupCallRoomId(backend, group);
    expect(groupCallRoomId(backend, { ...group })).toBe(room);
    expect(SfuRoomIdSchema.safeParse(room).success).toBe(true);
  });

  it('differs for another group, and for the same group once its invite link is reset', () => {
    const room = groupCallRoomId(backend, group);
    expect(groupCallRoomId(backend, { ...group, groupId: 'alice:0123456789abcdee' })).not.toBe(room);
    expect(groupCallRoomId(backend, { ...group, inviteToken: 'f00dfeedf00dfeedf00dfeedf00dfeee' })).not.toBe(
      room,
    );
  });
});
