// The emoji fonts Parley ships (both SIL OFL 1.1; licences in licenses/): Noto Color Emoji, and Noto Emoji's
// outlines for a browser that cannot paint the colour font's COLRv1 glyphs (Debian's Chromium draws them
// blank). Split by unicode-range, so a file loads only when a glyph on screen needs it.
import '@fontsource/noto-color-emoji/400.css';
import '@fontsource/noto-emoji/400.css';

const PROBE = '\u{1F389}'; // 🎉
const SIZE = 32;

/**
 * Draws one emoji with the colour font on a canvas; if nothing is painted, switches the page to the outline
 * font (`data-emoji="outline"` on <html>, read by theme.css). Resolves when decided.
 */
export async function chooseEmojiFont(): Promise<void> {
  const font = `${SIZE}px "Noto Color Emoji"`;
  try {
    await document.fonts.load(font, PROBE);
  } catch {
    // A file that failed to load paints nothing either: the outline font is the safer choice.
  }
  const canvas = document.createElement('canvas');
  canvas.width = SIZE * 2;
  canvas.height = SIZE * 2;
  const context = canvas.getContext('2d', { willReadFrequently: true });
  if (context === null) return;
  context.font = font;
  context.textBaseline = 'top';
  context.fillText(PROBE, 4, 4);
  const { data } = context.getImageData(0, 0, canvas.width, canvas.height);
  let painted = 0;
  for (let i = 3; i < data.length; i += 4) if ((data[i] ?? 0) > 0) painted += 1;
  if (painted === 0) document.documentElement.dataset['emoji'] = 'outline';
}
