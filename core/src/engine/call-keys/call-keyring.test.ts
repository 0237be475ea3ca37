import { describe, expect, it } from 'vitest';
import nacl from 'tweetnacl';
import {
  defaultSubtle,
  ratchetFrameKey,
  type FrameKey,
  type FrameKeyChange,
} from '../../crypto/frames/index.js';
import { CallKeyring } from './call-keyring.js';

/** Timers that run only when the test says so. */
function manualTimers() {
  const due: { callback: () => void; cancelled: boolean }[] = [];
  return {
    setTimeout: (callback: () => void) => {
      const entry = { callback, cancelled: false };
      due.push(entry);
      return entry;
    },
    clearTimeout: (handle: unknown) => {
      (handle as { cancelled: boolean }).cancelled = true;
    },
    runAll: () => {
      for (const entry of due.splice(0)) if (!entry.cancelled) entry.callback();
    },
  };
}

function keyring(members: readonly string[]) {
  const sent: { to: string[]; key: FrameKey }[] = [];
  const reported: unknown[] = [];
  const timers = manualTimers();
  const ring = new CallKeyring({
    callId: 'room',
    groupId: 'group',
    self: 'me',
    send: async (to, key) => {
      sent.push({ to: [...to].sort(), key });
    },
    isMember: async (account) => members.includes(account),
    randomBytes: (length) => nacl.randomBytes(length),
    now: () => 1_700_000_000_000,
    timers,
    switchDelayMs: 1000,
    report: (error) => reported.push(error),
  });
  return { ring, sent, timers, reported };
}

describe('a call keyring', () => {
  it('uses its first key at once, a key rotated after a leave only after the switch delay', async () => {
    const { ring, sent, timers } = keyring(['bob', 'carol']);
    const changes: FrameKeyChange[] = [];
    ring.onChange((change) => changes.push(change));
    await ring.setParticipants(['bob', 'carol']);
    const first = ring.localKey;
    expect(sent).toEqual([{ to: ['bob', 'carol'], key: first }]);
    await ring.setParticipants(['bob']);
    const rotated = sent[1]?.key;
    expect(sent[1]?.to).toEqual(['bob']);
    expect(rotated?.keyId).toBeGreaterThan(first?.keyId ?? Infinity);
    // Still the old key until everyone had time to receive the new one.
    expect(ring.localKey).toBe(first);
    expect(ring.pendingKey).toBe(rotated);
    timers.runAll();
    expect(ring.localKey).toBe(rotated);
    expect(changes.map((change) => change.kind)).toEqual(['local', 'local']);
  });

  it('ratchets its key when someone joins and uses it at once, sent to everyone in the call', async () => {
    const { ring, sent } = keyring(['bob', 'carol']);
    await ring.setParticipants(['bob']);
    const first = ring.localKey;
    if (first === undefined) throw new Error('no first key');
    await ring.setParticipants(['bob', 'carol']);
    // No timer ran: the ratcheted key is in use already (bob derives it; carol is sent it).
    const ratcheted = await ratchetFrameKey(defaultSubtle(), first);
    expect(ring.pendingKey).toBeUndefined();
    expect(ring.localKey).toEqual(ratcheted);
    expect(sent.at(-1)).toEqual({ to: ['bob', 'carol'], key: ratcheted });
  });

  it('never ratchets from a key a leaver holds: a join while the key after a leave waits gets a fresh key', async () => {
    const { ring, sent, timers } = keyring(['bob', 'carol', 'dave']);
    await ring.setParticipants(['bob', 'carol']);
    const heldByCarol = ring.localKey;
    if (heldByCarol === undefined) throw new Error('no first key');
    await ring.setParticipants(['bob']);
    // Dave joins before the switch: the key he gets must not be derivable from the one Carol holds.
    await ring.setParticipants(['bob', 'dave']);
    const toDave = sent.at(-1);
    expect(toDave?.to).toEqual(['bob', 'dave']);
    let derived = heldByCarol;
    for (let step = 0; step < 3; step += 1) {
      derived = await ratchetFrameKey(defaultSubtle(), derived);
      expect(Buffer.from(derived.secret).equals(Buffer.from(toDave?.key.secret ?? []))).toBe(false);
    }
    timers.runAll();
    expect(ring.localKey).toBe(toDave?.key);
  });

  it('sends the key rotated after a leave only to those still in the call', async () => {
    const { ring, sent, timers } = keyring(['bob', 'carol']);
    await ring.setParticipants(['bob', 'carol']);
    await ring.setParticipants(['bob']);
    timers.runAll();
    expect(sent.at(-1)).toEqual({ to: ['bob'], key: ring.localKey });
    expect(Buffer.from(ring.localKey?.secret ?? []).equals(Buffer.from(sent[0]?.key.secret ?? []))).toBe(
      false,
    );
    // The same participants again: nothing rotates, nothing is sent.
    await ring.setParticipants(['bob']);
    expect(sent).toHaveLength(2);
  });

  it('gives no key to a participant the SFU names who is not in the group', async () => {
    const { ring, sent, reported } = keyring(['bob']);
    await ring.setParticipants(['bob', 'mallory', 'me']);
    expect(ring.participants).toEqual(['bob']);
    expect(sent.flatMap(({ to }) => to)).toEqual(['bob']);
    expect(reported).toMatchObject([{ code: 'ACCESS_DENIED' }]);
  });

  it('keeps the newest few keys of each participant and ignores a repeated one', () => {
    const { ring } = keyring(['bob']);
    const keys = [1, 2, 3, 4].map((keyId) => ({ keyId, secret: nacl.randomBytes(32) }));
    for (const key of keys) ring.acceptRemote('bob', key);
    ring.acceptRemote('bob', { keyId: 4, secret: nacl.randomBytes(32) });
    expect(ring.remoteKeys('bob')).toEqual(keys.slice(1));
    ring.close();
    expect(ring.remoteKeys('bob')).toEqual([]);
    ring.acceptRemote('bob', { keyId: 9, secret: nacl.randomBytes(32) });
    expect(ring.remoteKeys('bob')).toEqual([]);
  });
});
