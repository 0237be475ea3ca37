import { describe, expect, it } from 'vitest';
import { emojiOnlyCount, FOLD_WORDS, foldAt, linkify } from './message-text.js';

describe('linkify', () => {
  it('turns http and https addresses into links and leaves the sentence around them as text', () => {
    expect(linkify('See https://example.org/a?b=1, then http://x.test.')).toEqual([
      { kind: 'text', text: 'See ' },
      { kind: 'link', text: 'https://example.org/a?b=1', href: 'https://example.org/a?b=1' },
      { kind: 'text', text: ', then ' },
      { kind: 'link', text: 'http://x.test', href: 'http://x.test/' },
      { kind: 'text', text: '.' },
    ]);
  });

  it('never links other schemes, and keeps markup as text around a link it holds', () => {
    const text = 'javascript:alert(1) file:///etc/passwd <a href="https://x.org">x</a> ftp://a.b';
    expect(linkify(text).filter((piece) => piece.kind === 'link')).toEqual([
      { kind: 'link', text: 'https://x.org', href: 'https://x.org/' },
    ]);
    expect(
      linkify(text)
        .map((piece) => piece.text)
        .join(''),
    ).toBe(text);
  });

  it('keeps a parenthesis the link opened', () => {
    expect(linkify('(https://en.wikipedia.org/wiki/Tea_(drink))')[1]).toEqual({
      kind: 'link',
      text: 'https://en.wikipedia.org/wiki/Tea_(drink)',
      href: 'https://en.wikipedia.org/wiki/Tea_(drink)',
    });
  });
});

describe('foldAt', () => {
  it('shows a short message whole', () => {
    expect(foldAt('hello there')).toBeUndefined();
  });

  it('cuts a long message at the end of a word after a few hundred words', () => {
    const text = Array.from({ length: FOLD_WORDS + 100 }, (_, i) => `word${i}`).join(' ');
    const cut = foldAt(text);
    expect(text.slice(0, cut).split(' ')).toHaveLength(FOLD_WORDS);
    expect(text.slice(0, cut).endsWith(`word${FOLD_WORDS - 1}`)).toBe(true);
  });

  it('cuts a long text without spaces by length', () => {
    expect(foldAt('x'.repeat(5_000))).toBe(1_500);
  });
});

describe('emojiOnlyCount', () => {
  it('counts one to three emoji, flags, keycaps and family sequences included', () => {
    expect(emojiOnlyCount('😀')).toBe(1);
    expect(emojiOnlyCount(' 👍🏽 ❤️ ')).toBe(2);
    expect(emojiOnlyCount('🇫🇷👨‍👩‍👧1️⃣')).toBe(3);
  });

  it('is 0 for text, for four emoji or more, and for plain digits', () => {
    expect(emojiOnlyCount('ok 😀')).toBe(0);
    expect(emojiOnlyCount('😀😀😀😀')).toBe(0);
    expect(emojiOnlyCount('123')).toBe(0);
    expect(emojiOnlyCount('')).toBe(0);
  });
});
