/** The largest side of a thumbnail sent inside a message (the message carries at most 64 KB of it). */
export const THUMBNAIL_MAX_SIDE = 320;

/**
 * The size of a picture scaled down (never up) so that its longer side is at most `maxSide`, keeping its
 * proportions; each side is at least 1 pixel.
 */
export function fitWithin(
  width: number,
  height: number,
  maxSide = THUMBNAIL_MAX_SIDE,
): { width: number; height: number } {
  if (!(width > 0) || !(height > 0)) throw new RangeError('a picture has a positive width and height');
  const scale = Math.min(1, maxSide / Math.max(width, height));
  return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) };
}

/** How big a media bubble draws a picture of this size: at most `box` wide and tall, proportions kept. */
export function displaySize(
  width: number,
  height: number,
  box = { width: 300, height: 320 },
): { width: number; height: number } {
  if (!(width > 0) || !(height > 0)) return { ...box };
  const scale = Math.min(box.width / width, box.height / height);
  return { width: Math.round(width * scale), height: Math.round(height * scale) };
}
