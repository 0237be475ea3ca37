/** How the call screen arranges tiles. */
export interface GridShape {
  readonly columns: number;
  readonly rows: number;
}

/**
 * The most even grid for `count` tiles in a `width`×`height` area: the shape whose tiles, kept at 4:3, come
 * out largest. 16 tiles in a wide window give 4×4 or 5×4, 2 give two side by side, 1 fills the area.
 */
export function gridShape(count: number, width: number, height: number): GridShape {
  if (count <= 1) return { columns: 1, rows: 1 };
  let best: GridShape = { columns: count, rows: 1 };
  let bestSize = -1;
  for (let columns = 1; columns <= count; columns += 1) {
    const rows = Math.ceil(count / columns);
    const tileWidth = Math.min(width / columns, ((height / rows) * 4) / 3);
    if (tileWidth > bestSize) {
      bestSize = tileWidth;
      best = { columns, rows };
    }
  }
  return best;
}

export type LayoutMode = 'grid' | 'pinned';

/**
 * With a pinned tile (or someone's screen share) the call shows it large and the others in a strip; the
 * strip tiles are small, so the SFU forwards them a low layer.
 */
export function layoutMode(pinned: string | undefined, tiles: readonly string[]): LayoutMode {
  return pinned !== undefined && tiles.includes(pinned) ? 'pinned' : 'grid';
}
