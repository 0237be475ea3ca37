/**
 * Splits text into search tokens: NFKC-normalised (so full-width and ligature forms match their plain forms),
 * lower-cased without a locale (the same result on every device), and cut at anything that is not a letter,
 * mark or number in any script. Words in scripts written without spaces (Chinese, Japanese, Thai) stay one
 * token, which prefix search still finds from their start.
 */
const WORD = /[\p{L}\p{M}\p{N}]+/gu;

/** Longer tokens are cut: they cost index space and nobody types 64 letters to find a message. */
export const MAX_TOKEN_LENGTH = 64;

export function tokenize(text: string): string[] {
  const tokens = new Set<string>();
  for (const match of text.normalize('NFKC').toLowerCase().matchAll(WORD)) {
    tokens.add(Array.from(match[0]).slice(0, MAX_TOKEN_LENGTH).join(''));
  }
  return [...tokens];
}
