import { expect, type Locator, type Page } from '@playwright/test';

/**
 * Four or five Chromiums on two cores: every camera is a slow fake (test instrumentation: the app asks for
 * 640×360 at 24 fps; this page's camera gives 640×360 at 10 fps), so encoding and decoding keep up everywhere
 * and no encoder sheds its upper simulcast layers for want of CPU. The size stays the app's: Chromium sends
 * fewer simulcast layers for smaller pictures, and the SFU path should see what it sees in use. Call it before
 * the app loads.
 */
export async function slowCamera(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const devices = navigator.mediaDevices;
    const original = devices.getUserMedia.bind(devices);
    devices.getUserMedia = (constraints?: MediaStreamConstraints) =>
      original({
        ...constraints,
        ...(constraints?.video === undefined || constraints.video === false
          ? {}
          : { video: { width: 640, height: 360, frameRate: 10 } }),
      });
  });
}

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
  const decoded = new Map<string, number>();
  for (const stat of await openConnectionStats(page, 'inbound-rtp'))
    if (typeof stat['trackIdentifier'] === 'string')
      decoded.set(stat['trackIdentifier'], Number(stat['framesDecoded'] ?? 0));
  const shown = await page.evaluate(() => {
    const tiles: Record<string, string | null> = {};
    for (const figure of Array.from(
      document.querySelectorAll('section[aria-label="Group call"] figure:not(.self)'),
    )) {
      const stream = figure.querySelector('video')?.srcObject;
      const track = stream instanceof MediaStream ? stream.getVideoTracks()[0] : undefined;
      tiles[figure.getAttribute('aria-label') ?? '?'] = track?.id ?? null;
    }
    return tiles;
  });
  return Object.fromEntries(
    Object.entries(shown).map(([name, track]) => [
      name,
      { track, frames: track === null ? 0 : (decoded.get(track) ?? 0) },
    ]),
  );
}

/**
 * Waits until every one of `names`' videos on `page` decodes: each tile shows a track (other than any in
 * `before`) with frames, and then more frames on the track it shows than at the look before. A tile whose pair
 * was re-opened in between (a new track) counts once its new track's frames grow too. No time limit but the
 * test's own. On failure the error names the tiles that did not decode, with the first and the last look.
 */
export async function expectVideosDecoding(
  page: Page,
  names: readonly string[],
  before: Record<string, TileFrames> = {},
): Promise<Record<string, TileFrames>> {
  const shows = (look: Record<string, TileFrames>, name: string): boolean => {
    const tile = look[name];
    return tile?.track != null && tile.track !== before[name]?.track;
  };
  let first: Record<string, TileFrames> = {};
  let last: Record<string, TileFrames> = {};
  const failed = (error: unknown, waiting: readonly string[]): Error =>
    new Error(
      `${waiting.join(', ')} never decoded: first look ${JSON.stringify(first)}, last ${JSON.stringify(last)}\n${String(error)}`,
    );
  let waiting: string[] = [...names];
  try {
    await expect
      .poll(
        async () => {
          first = last = await remoteFrames(page);
          waiting = names.filter((name) => !shows(first, name) || (first[name]?.frames ?? 0) === 0);
          return waiting;
        },
        { timeout: 120_000 },
      )
      .toEqual([]);
  } catch (error) {
    throw failed(error, waiting);
  }
  const advanced = new Set<string>();
  let previous = first;
  try {
    await expect
      .poll(
        async () => {
          last = await remoteFrames(page);
          for (const name of names) {
            const now = last[name];
            const then = previous[name];
            if (
              shows(last, name) &&
              now?.track === then?.track &&
              now !== undefined &&
              now.frames > (then?.frames ?? 0)
            )
              advanced.add(name);
          }
          previous = last;
          waiting = names.filter((name) => !advanced.has(name));
          return waiting;
        },
        { timeout: 120_000 },
      )
      .toEqual([]);
  } catch (error) {
    throw failed(error, waiting);
  }
  return last;
}

/**
 * What a page's receivers and frame transforms saw, for a failure's log: per inbound video stream its packets,
 * frames received and decoded, keyframes and the keyframe requests it sent; and, where the page runs the
 * `groupCallE2eeProbe` test hook, the frame-key ids it was given and the transforms' stats.
 */
export async function callDiagnostics(page: Page): Promise<unknown> {
  const inbound = (await openConnectionStats(page, 'inbound-rtp')).map((stat) => ({
    track: stat['trackIdentifier'],
    packets: stat['packetsReceived'],
    received: stat['framesReceived'],
    decoded: stat['framesDecoded'],
    keyframes: stat['keyFramesDecoded'],
    plis: stat['pliCount'],
    firs: stat['firCount'],
    nacks: stat['nackCount'],
    lost: stat['packetsLost'],
    dropped: stat['framesDropped'],
    codec: stat['codecId'],
    mid: stat['mid'],
    bytes: stat['bytesReceived'],
  }));
  const seen = await page.evaluate(async () => {
    const connections =
      (window as unknown as { __parleyPeerConnections?: RTCPeerConnection[] }).__parleyPeerConnections ?? [];
    // Every receiving transceiver: whether its track ever got media (muted until the first frame) and
    // whether a transform is attached.
    const receivers = connections
      .filter((connection) => connection.signalingState !== 'closed')
      .flatMap((connection) =>
        connection.getTransceivers().map((transceiver) => ({
          mid: transceiver.mid,
          direction: transceiver.currentDirection,
          track: transceiver.receiver.track.id,
          kind: transceiver.receiver.track.kind,
          muted: transceiver.receiver.track.muted,
          state: transceiver.receiver.track.readyState,
          transform: (transceiver.receiver as { transform?: unknown }).transform != null,
        })),
      )
      .filter((receiver) => receiver.kind === 'video' && receiver.direction?.includes('recv') === true);
    const probe = (
      window as unknown as {
        __parleyGroupCallE2ee?: { keysGiven: unknown; stats?: () => Promise<unknown> };
      }
    ).__parleyGroupCallE2ee;
    // Every connection the page ever opened, in order (a re-opened pair leaves its closed one behind), and
    // what each tile says of its connection (reconnecting, unreachable).
    const history = connections.map(
      (connection) =>
        `${connection.connectionState}/${connection.iceConnectionState}/${connection.signalingState}`,
    );
    const tiles = Array.from(
      document.querySelectorAll('section[aria-label="Group call"] figure:not(.self)'),
    ).map(
      (figure) =>
        `${figure.getAttribute('aria-label') ?? '?'}: ${figure.getAttribute('data-connection') ?? 'up'}`,
    );
    return {
      history,
      tiles,
      receivers,
      ...(probe === undefined ? {} : { keysGiven: probe.keysGiven, transforms: await probe.stats?.() }),
    };
  });
  return { inbound, ...seen };
}

/**
 * What a page's video senders send now, per simulcast stream (rid): size, frame rate, and why the encoder
 * holds back (`cpu`, `bandwidth`), for a failure's log.
 */
export async function sendingLayers(page: Page): Promise<unknown[]> {
  return (await openConnectionStats(page, 'outbound-rtp')).map((stat) => ({
    rid: stat['rid'],
    active: stat['active'],
    size: `${String(stat['frameWidth'])}x${String(stat['frameHeight'])}`,
    fps: stat['framesPerSecond'],
    limitation: stat['qualityLimitationReason'],
    target: stat['targetBitrate'],
  }));
}

/** Every video stat of `type` in the page's open connections (recordPeerConnections), as plain objects. */
export async function openConnectionStats(
  page: Page,
  type: 'inbound-rtp' | 'outbound-rtp',
): Promise<Record<string, unknown>[]> {
  return page.evaluate(async (wanted) => {
    const connections =
      (window as unknown as { __parleyPeerConnections?: RTCPeerConnection[] }).__parleyPeerConnections ?? [];
    const found: Record<string, unknown>[] = [];
    for (const connection of connections) {
      // Never read before DTLS is up: Chromium would then hide the certificate a mesh pair checks.
      if (
        connection.signalingState === 'closed' ||
        ['new', 'connecting'].includes(connection.connectionState)
      )
        continue;
      (await connection.getStats()).forEach((stat: Record<string, unknown>) => {
        if (stat['type'] === wanted && stat['kind'] === 'video') found.push({ ...stat });
      });
    }
    return found;
  }, type);
}

/** The `x-google-start-bitrate` each open connection sending video was answered with (kbit/s; none: absent). */
export async function videoStartBitrates(page: Page): Promise<(number | null)[]> {
  return page.evaluate(() =>
    ((window as unknown as { __parleyPeerConnections?: RTCPeerConnection[] }).__parleyPeerConnections ?? [])
      .filter(
        (connection) =>
          connection.signalingState !== 'closed' &&
          connection.getSenders().some((sender) => sender.track?.kind === 'video'),
      )
      .map((connection) => {
        const match = /x-google-start-bitrate=(\d+)/u.exec(connection.remoteDescription?.sdp ?? '');
        return match?.[1] === undefined ? null : Number(match[1]);
      }),
  );
}
