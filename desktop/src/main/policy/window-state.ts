import { z } from 'zod';

export interface Rectangle {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

export interface WindowState {
  readonly bounds: Rectangle;
  readonly maximized: boolean;
}

export const MIN_WINDOW_SIZE = { width: 480, height: 400 } as const;
export const DEFAULT_WINDOW_SIZE = { width: 1100, height: 760 } as const;
/** How much of the window must be on a display for the saved position to be kept. */
const MIN_VISIBLE_PX = 100;

const rectangleSchema = z.object({
  x: z.number().int(),
  y: z.number().int(),
  width: z.number().int().positive(),
  height: z.number().int().positive(),
});
const windowStateSchema = z.object({ bounds: rectangleSchema, maximized: z.boolean() });

/** The saved file, or undefined when it is missing or damaged (losing a window size is harmless). */
export function parseWindowState(json: string | undefined): WindowState | undefined {
  if (json === undefined) return undefined;
  try {
    const parsed = windowStateSchema.safeParse(JSON.parse(json));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

function overlap(a: Rectangle, b: Rectangle): { width: number; height: number } {
  return {
    width: Math.max(0, Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x)),
    height: Math.max(0, Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y)),
  };
}

function centred(size: { width: number; height: number }, area: Rectangle): Rectangle {
  const width = Math.max(Math.min(size.width, area.width), Math.min(MIN_WINDOW_SIZE.width, area.width));
  const height = Math.max(Math.min(size.height, area.height), Math.min(MIN_WINDOW_SIZE.height, area.height));
  return {
    x: area.x + Math.round((area.width - width) / 2),
    y: area.y + Math.round((area.height - height) / 2),
    width,
    height,
  };
}

/**
 * Where to open the window: the saved bounds if enough of the title bar area is on one of the current
 * displays' work areas (a monitor may have been unplugged since), else the saved size centred on the
 * primary display, shrunk to fit. `workAreas[0]` is the primary display.
 */
export function restoreWindowState(
  saved: WindowState | undefined,
  workAreas: readonly Rectangle[],
): WindowState {
  const primary = workAreas[0] ?? { x: 0, y: 0, ...DEFAULT_WINDOW_SIZE };
  if (saved === undefined) return { bounds: centred(DEFAULT_WINDOW_SIZE, primary), maximized: false };
  const size = {
    width: Math.max(saved.bounds.width, MIN_WINDOW_SIZE.width),
    height: Math.max(saved.bounds.height, MIN_WINDOW_SIZE.height),
  };
  const titleBar = { x: saved.bounds.x, y: saved.bounds.y, width: size.width, height: 40 };
  const home = workAreas.find((area) => {
    const visible = overlap(titleBar, area);
    return visible.width >= Math.min(MIN_VISIBLE_PX, size.width) && visible.height > 0;
  });
  if (home === undefined) return { bounds: centred(size, primary), maximized: saved.maximized };
  return {
    bounds: {
      x: saved.bounds.x,
      y: saved.bounds.y,
      width: Math.min(size.width, home.width),
      height: Math.min(size.height, home.height),
    },
    maximized: saved.maximized,
  };
}
