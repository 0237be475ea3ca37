/*
 * Names chosen by someone else (display names, group names, file names) are shown to the user. Characters
 * that reorder or hide text — bidirectional overrides and isolates (U+202A–202E, U+2066–2069), marks
 * (U+200E/200F, U+061C), zero-width characters and other format characters (Unicode category Cf), C0/C1
 * controls and line breaks — let "invoice‮fdp.exe" read as "invoiceexe.pdf" or make two names look
 * identical. They are removed before a name is stored for display.
 */
const INVISIBLE = /[\p{Cc}\p{Cf}\u2028\u2029]/gu;

export function displayText(text: string): string {
  return text.replace(INVISIBLE, '').trim();
}
