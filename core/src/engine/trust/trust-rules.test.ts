import { describe, expect, it } from 'vitest';
import { generateIdentity, identityString } from '../../crypto/index.js';
import type { Content } from '../messaging/content.js';
import { displayText } from './display-text.js';
import { MAX_MESSAGE_AGE_MS, admitContent } from './incoming-rules.js';
import { isCreatedBy, mayUseId, namespacedId } from './message-ids.js';

const account = () => identityString(generateIdentity().identityKey);
const RANDOM = '0123456789abcdef0123456789abcdef';

describe('sender-namespaced ids', () => {
  it("lets an account use ids in its own namespace and old-form ids, never another's", () => {
    const bob = account();
    const mallory = account();
    const id = namespacedId(bob, RANDOM);
    expect(mayUseId(bob, id)).toBe(true);
    expect(mayUseId(mallory, id)).toBe(false);
    expect(mayUseId(mallory, RANDOM)).toBe(true);
    expect(isCreatedBy(id, bob)).toBe(true);
    expect(isCreatedBy(RANDOM, bob)).toBe(false);
  });
});

describe('what a decrypted content may do', () => {
  const bob = { name: account(), deviceId: 1 };
  const content = (extra: Partial<Content> = {}): Content => ({
    v: 1,
    id: namespacedId(bob.name, RANDOM),
    sentAt: 1_000_000_000,
    counter: 1,
    body: { type: 'text', text: 'hi' },
    ...extra,
  });

  it('refuses a pairwise content that names a group, and one under an id outside its namespace', () => {
    expect(() => admitContent(bob, content({ groupId: 'g' }), 'pairwise', 1_000_000_000)).toThrow(
      expect.objectContaining({ code: 'ACCESS_DENIED' }),
    );
    expect(admitContent(bob, content({ groupId: 'g' }), 'group', 1_000_000_000).groupId).toBe('g');
    expect(() =>
      admitContent(bob, content({ id: namespacedId(account(), RANDOM) }), 'pairwise', 1_000_000_000),
    ).toThrow(expect.objectContaining({ code: 'ACCESS_DENIED' }));
  });

  it('clamps sentAt into the receipt window and cleans file and display names', () => {
    const at = 5_000_000_000;
    expect(admitContent(bob, content({ sentAt: at + 1 }), 'pairwise', at).sentAt).toBe(at);
    expect(admitContent(bob, content({ sentAt: 0 }), 'pairwise', at).sentAt).toBe(at - MAX_MESSAGE_AGE_MS);
    const profile = admitContent(
      bob,
      content({ body: { type: 'profile', displayName: '\u202Eevil\u200B' } }),
      'pairwise',
      at,
    );
    expect(profile.body).toMatchObject({ displayName: 'evil' });
  });
});

describe('names for display', () => {
  it('drops bidi overrides, isolates, marks, zero-width and control characters, keeping letters of any script', () => {
    expect(displayText('invoice\u202Efdp.exe')).toBe('invoicefdp.exe');
    expect(displayText('a\u2066b\u2069c\u200Ed\u200Fe\u061Cf\u200Bg\uFEFFh\u0007i\nj\u2028k')).toBe(
      'abcdefghijk',
    );
    expect(displayText('  שלום Мир 你好 ')).toBe('שלום Мир 你好');
  });
});
