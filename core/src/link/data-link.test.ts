import { afterEach, describe, expect, it } from 'vitest';
import { isParleyError } from '../errors/index.js';
import { DataLink } from './data-link.js';
import { MAX_FRAME_BYTES, type WebRtcImplementation } from './options.js';
import {
  closeAll,
  createLinkPair,
  openLinkPair,
  testWrtc,
  whenClosed,
  whenOpen,
} from './testing/link-pair.js';
import { ManualTimers } from './testing/manual-timers.js';

const links: DataLink[] = [];
afterEach(async () => {
  await closeAll(...links.splice(0));
});

function track<T extends { a: DataLink; b: DataLink }>(pair: T): T {
  links.push(pair.a, pair.b);
  return pair;
}

function nextMessage(link: DataLink): Promise<Uint8Array> {
  return new Promise((resolve) => link.once('message', resolve));
}

describe('DataLink', () => {
  it('opens a data channel between two peers and exchanges frames both ways', async () => {
    const { a, b } = track(await openLinkPair());
    const atB = nextMessage(b);
    await a.send(new Uint8Array([1, 2, 3]));
    expect([...(await atB)]).toEqual([1, 2, 3]);
    const atA = nextMessage(a);
    await b.send(new Uint8Array([4, 5]));
    expect([...(await atA)]).toEqual([4, 5]);
  });

  it('delivers frames sent before the link opened, once it opens', async () => {
    const { a, b } = track(createLinkPair());
    const atB = nextMessage(b);
    const sent = a.send(new Uint8Array([9]));
    await sent;
    expect([...(await atB)]).toEqual([9]);
  });

  it('reports a direct route on loopback and announces it', async () => {
    const { a, b } = track(createLinkPair());
    const announced = new Promise((resolve) => a.once('route', resolve));
    expect(await announced).toEqual({ route: 'direct', previous: 'unknown' });
    await whenOpen(b);
    expect(await b.refreshRoute()).toBe('direct');
    expect(a.route).toBe('direct');
  });

  it('gives WebRTC exactly the ICE servers it was given, never a default STUN server', async () => {
    const seen: unknown[] = [];
    const Base = testWrtc.RTCPeerConnection as new (config: unknown) => object;
    class RecordingPeerConnection extends Base {
      constructor(config: unknown) {
        seen.push(config);
        super(config);
      }
    }
    const wrtc: WebRtcImplementation = { ...testWrtc, RTCPeerConnection: RecordingPeerConnection };
    track(await openLinkPair({ wrtc }));
    expect(seen).toHaveLength(2);
    for (const config of seen) expect(config).toMatchObject({ iceServers: [] });
  });

  it('refuses to start without an ICE server list', () => {
    const create = () =>
      new DataLink({
        initiator: true,
        linkId: 'x',
        wrtc: testWrtc,
        sendSignal: () => {},
        iceServers: undefined as unknown as [],
      });
    expect(create).toThrow(expect.objectContaining({ code: 'BAD_REQUEST' }));
  });

  it('rejects frames that are empty or larger than 16 KiB', async () => {
    const { a } = track(await openLinkPair());
    expect(() => a.send(new Uint8Array(MAX_FRAME_BYTES + 1))).toThrow(
      expect.objectContaining({ code: 'PAYLOAD_TOO_LARGE' }),
    );
    expect(() => a.send(new Uint8Array(0))).toThrow(expect.objectContaining({ code: 'BAD_REQUEST' }));
    await a.send(new Uint8Array(MAX_FRAME_BYTES));
  });

  it('rejects a malformed signal from the peer without breaking the link', async () => {
    const { a, b } = track(await openLinkPair());
    expect(() => a.receiveSignal({ type: 'offer' })).toThrow(
      expect.objectContaining({ code: 'BAD_REQUEST' }),
    );
    expect(() => a.receiveSignal('not a signal')).toThrow(expect.objectContaining({ code: 'BAD_REQUEST' }));
    for (const media of [{ renegotiate: true }, { transceiverRequest: { kind: 'video' } }]) {
      expect(() => a.receiveSignal(media)).toThrow(/only offers, answers and candidates/);
    }
    const atB = nextMessage(b);
    await a.send(new Uint8Array([7]));
    expect([...(await atB)]).toEqual([7]);
  });

  it('closes idempotently, tells the peer, and fails every later call with CLOSED', async () => {
    const { a, b } = track(await openLinkPair());
    const localClose = whenClosed(a);
    const remoteClose = whenClosed(b);
    a.close();
    a.close();
    expect(await localClose).toEqual({ reason: 'local' });
    expect(await remoteClose).toEqual({ reason: 'remote' });
    expect(a.state).toBe('closed');
    const isClosed = (error: unknown) => isParleyError(error, 'CLOSED');
    expect(() => a.send(new Uint8Array([1]))).toThrow(expect.objectContaining({ code: 'CLOSED' }));
    expect(() => a.receiveSignal({ renegotiate: true })).toThrow(expect.objectContaining({ code: 'CLOSED' }));
    await expect(a.refreshRoute()).rejects.toSatisfy(isClosed);
    await a.whenClosed();
    await b.whenClosed();
  });

  // @roamhq/wrtc's RTCDataChannel.send crashes the process (a use after free in native code) when the peer's
  // close tears the channel down on libwebrtc's thread in the middle of a send. So the peer must hear of a
  // close before the transport goes: its link closes while its data channel is still open, and no send of
  // its can be running when the channel does close.
  it('tells a busy peer it is closing before the transport goes, so the peer stops sending first', async () => {
    const channels: { readyState: string }[] = [];
    const Base = testWrtc.RTCPeerConnection as new (config: unknown) => {
      addEventListener(
        type: 'datachannel',
        listener: (event: { channel: { readyState: string } }) => void,
      ): void;
    };
    class WatchedPeerConnection extends Base {
      constructor(config: unknown) {
        super(config);
        this.addEventListener('datachannel', (event) => channels.push(event.channel));
      }
    }
    const wrtc: WebRtcImplementation = { ...testWrtc, RTCPeerConnection: WatchedPeerConnection };
    for (let round = 0; round < 10; round += 1) {
      channels.length = 0;
      const { a, b } = track(await openLinkPair({ wrtc, linkId: `busy-${round}` }));
      expect(channels).toHaveLength(1); // b's, the answerer's: the offerer creates its own
      const frame = new Uint8Array(MAX_FRAME_BYTES);
      let sending = true;
      const pump = (async () => {
        while (sending && b.state === 'open') {
          while (b.state === 'open' && b.trySend(frame));
          await b.writable().catch(() => undefined);
        }
      })();
      const closing = new Promise<string>((resolve) =>
        b.once('close', (event) => resolve(`${event.reason}, channel ${channels[0]?.readyState}`)),
      );
      await nextMessage(a);
      a.close();
      expect(await closing).toBe('remote, channel open');
      sending = false;
      await pump;
      await Promise.all([a.whenClosed(), b.whenClosed()]);
    }
  });

  it('rejects queued frames with CLOSED when the link closes', async () => {
    const { a, b } = track(createLinkPair());
    const pending = a.send(new Uint8Array([1]));
    a.close();
    await expect(pending).rejects.toSatisfy((error: unknown) => isParleyError(error, 'CLOSED'));
    b.close();
  });

  it('closes with reason timeout when the peer never answers, so the engine can fall back to the relay', async () => {
    const timers = new ManualTimers();
    const link = new DataLink({
      initiator: true,
      linkId: 'lonely',
      iceServers: [],
      wrtc: testWrtc,
      sendSignal: () => {},
      timers,
      connectTimeoutMs: 5_000,
    });
    links.push(link);
    const pending = link.send(new Uint8Array([1]));
    const closed = whenClosed(link);
    expect(timers.pending).toBe(1);
    timers.fireAll();
    const event = await closed;
    expect(event.reason).toBe('timeout');
    expect(event.error?.code).toBe('UNAVAILABLE');
    await expect(pending).rejects.toSatisfy((error: unknown) => isParleyError(error, 'CLOSED'));
    expect(timers.pending).toBe(0);
  });

  it('cancels the connect timeout once open', async () => {
    const timers = new ManualTimers();
    const { a, b } = track(await openLinkPair({ timers }));
    expect(timers.pending).toBe(0);
    timers.fireAll();
    expect([a.state, b.state]).toEqual(['open', 'open']);
  });
});
