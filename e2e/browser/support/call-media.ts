import { expect, type Locator, type Page } from '@playwright/test';

/** The group call screen. */
export function callScreen(page: Page): Locator {
  return page.getByRole('region', { name: 'Group call' });
}

/** One person's tile on a call screen (`You` for one's own). */
export function callTile(page: Page, name: string): Locator {
  return callScreen(page).getByRole('figure', { name, exact: true });
}

/**
 * Keeps every RTCPeerConnection the page creates in `window.__parleyPeerConnections`, so the scenario can read
 * receivers' stats the way chrome://webrtc-internals does. Test-only instrumentation; the app has no hook for it.
 * Runs on every load, so call it before the app starts (it reloads the page).
 */
export async function recordPeerConnections(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const Native = window.RTCPeerConnection;
    const all: RTCPeerConnection[] = [];
    Object.defineProperty(window, '__parleyPeerConnections', { value: all });
    window.RTCPeerConnection = class extends Native {
      constructor(configuration?: RTCConfiguration) {
        super(configuration);
        all.push(this);
      }
    };
  });
  await page.reload();
}

export interface TileFrames {
  /** The id of the video track the tile shows (a new one after the call recovered). */
  readonly track: string | null;
  /** `framesDecoded` of the inbound video stream behind that track. */
  readonly frames: number;
}

/** For each remote tile on the call screen (by name): its track and that track's decoded frames. */
export async function remoteFrames(page: Page): Promise<Record<string, TileFrames>> {
  return page.evaluate(async () => {
    const connections =
      (window as unknown as { __parleyPeerConnections?: RTCPeerConnection[] }).__parleyPeerConnections ?? [];
    const decoded = new Map<string, number>();
    for (const connection of connections) {
      if (connection.signalingState === 'closed') continue;
      const report = await connection.getStats();
      report.forEach(
        (stat: { type: string; kind?: string; trackIdentifier?: string; framesDecoded?: number }) => {
          if (stat.type === 'inbound-rtp' && stat.kind === 'video' && stat.trackIdentifier !== undefined)
            decoded.set(stat.trackIdentifier, stat.framesDecoded ?? 0);
        },
      );
    }
    const tiles: Record<string, { track: string | null; frames: number }> = {};
    for (const figure of Array.from(
      document.querySelectorAll('section[aria-label="Group call"] figure:not(.self)'),
    )) {
      const video = figure.querySelector('video');
      const stream = video?.srcObject;
      const track = stream instanceof MediaStream ? stream.getVideoTracks()[0] : undefined;
      tiles[figure.getAttribute('aria-label') ?? '?'] =
        track === undefined
          ? { track: null, frames: 0 }
          : { track: track.id, frames: decoded.get(track.id) ?? 0 };
    }
    return tiles;
  });
}

/**
 * Waits until every one of `names`' videos on `page` decodes: each tile shows a track (other than any in
 * `before`) with frames, and then more frames than at the first look. No time limit but the test's own.
 */
export async function expectVideosDecoding(
  page: Page,
  names: readonly string[],
  before: Record<string, TileFrames> = {},
): Promise<Record<string, TileFrames>> {
  let first: Record<string, TileFrames> = {};
  await expect
    .poll(
      async () => {
        first = await remoteFrames(page);
        return names.every((name) => {
          const tile = first[name];
          return tile?.track != null && tile.track !== before[name]?.track && tile.frames > 0;
        });
      },
      { timeout: 120_000 },
    )
    .toBe(true);
  let later: Record<string, TileFrames> = {};
  await expect
    .poll(
      async () => {
        later = await remoteFrames(page);
        return names.every((name) => {
          const now = later[name];
          const then = first[name];
          return now !== undefined && now.track === then?.track && now.frames > then.frames;
        });
      },
      { timeout: 120_000 },
    )
    .toBe(true);
  return later;
}
