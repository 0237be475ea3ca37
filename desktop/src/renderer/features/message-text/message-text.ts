/*
 * What a message's text becomes on screen, as plain data the component renders as React text and <a>
 * elements: never markup. Links are http(s) only; a long text folds after a few hundred words; one to three
 * emoji and nothing else are drawn large.
 */

export type TextPiece =
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'link'; readonly text: string; readonly href: string };

/** About a screenful: WhatsApp folds long messages after a few hundred words. */
export const FOLD_WORDS = 200;
/** A text without spaces (a pasted blob) folds by length instead. */
export const FOLD_CHARS = 1_500;

const URL_CANDIDATE = /\bhttps?:\/\/[^\s<>"]+/giu;
/** Punctuation that ends a sentence rather than the link it follows. */
const TRAILING = /[.,;:!?'"’”)\]}>]+$/u;

/** Splits text into plain pieces and http(s) links. Anything that does not parse as such a URL stays text. */
export function linkify(text: string): TextPiece[] {
  const pieces: TextPiece[] = [];
  let at = 0;
  for (const match of text.matchAll(URL_CANDIDATE)) {
    let candidate = match[0];
    const trailing = TRAILING.exec(candidate)?.[0] ?? '';
    candidate = candidate.slice(0, candidate.length - trailing.length);
    // "(see https://x.org/a_(b))" keeps the closing parenthesis its link opened.
    if (trailing.startsWith(')') && candidate.includes('(')) candidate += ')';
    const href = httpUrl(candidate);
    if (href === undefined) continue;
    const start = match.index;
    if (start > at) pieces.push({ kind: 'text', text: text.slice(at, start) });
    pieces.push({ kind: 'link', text: candidate, href });
    at = start + candidate.length;
  }
  if (at < text.length) pieces.push({ kind: 'text', text: text.slice(at) });
  return pieces;
}

function httpUrl(candidate: string): string | undefined {
  try {
    const url = new URL(candidate);
    if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.hostname === '') return undefined;
    return url.href;
  } catch {
    return undefined;
  }
}

/**
 * Where a long text is cut before "Read more": after FOLD_WORDS words (at the end of a word), or at
 * FOLD_CHARS characters. undefined when the text is short enough to show whole.
 */
export function foldAt(text: string): number | undefined {
  let words = 0;
  for (const match of text.matchAll(/\S+/gu)) {
    words += 1;
    if (words === FOLD_WORDS) {
      const end = match.index + match[0].length;
      // Only fold when a real remainder is left, not a word or two.
      return text.slice(end).trim().split(/\s+/u).length > 20 ? end : undefined;
    }
  }
  if (text.length > FOLD_CHARS * 1.2) return FOLD_CHARS;
  return undefined;
}

const EMOJI_GRAPHEME = /^(?:\p{Extended_Pictographic}|\p{Regional_Indicator}{2}|[#*0-9]\uFE0F?\u20E3)/u;

// One for every bubble: building a Segmenter costs more than segmenting a message.
let graphemes: Intl.Segmenter | undefined;

/** 1–3 when the text is only that many emoji (spaces allowed between), else 0: such a message is drawn large. */
export function emojiOnlyCount(text: string): number {
  const trimmed = text.trim();
  // Every emoji has a code point above ASCII (a keycap's U+20E3 included): most messages stop here.
  if (trimmed === '' || !/\P{ASCII}/u.test(trimmed)) return 0;
  let count = 0;
  graphemes ??= new Intl.Segmenter(undefined, { granularity: 'grapheme' });
  for (const { segment } of graphemes.segment(trimmed)) {
    if (/^\s+$/u.test(segment)) continue;
    if (!EMOJI_GRAPHEME.test(segment)) return 0;
    count += 1;
    if (count > 3) return 0;
  }
  return count;
}
