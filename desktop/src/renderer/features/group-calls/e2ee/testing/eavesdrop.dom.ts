import { accountOfCallIdentity, type ParleyClient } from '@parley/core';
import type { FrameKeySource } from '@parley/core/crypto/frames';
import { CallMedia } from '../../call-media.dom.js';
import { SfuConnection } from '../../sfu-connection.dom.js';
import { FrameE2ee, e2eePeerConnectionConfig } from '../frame-e2ee.dom.js';
import type { TransformStats } from '../messages.js';

export interface Eavesdrop {
  /** The receivers' transform stats (frames passed and dropped, key ids): what the old keys opened. */
  stats(): Promise<TransformStats[]>;
  close(): void;
}

/**
 * Test-only (loaded only under `parleyTestOptions.groupCallEavesdropAfterLeave`): what a leaver could do with
 * a dishonest SFU (one started with its test-only `observers` setting). It joins the group's room unseen —
 * the participants are not told, so nobody sends it keys or rotates for it — consumes every producer there,
 * and decrypts with `keys`, the keys this device held when it left, frozen. Frames that do not decrypt are
 * dropped by the transform and counted; tracks play into detached video elements so decoded frames count.
 */
export async function eavesdrop(
  client: ParleyClient,
  groupId: string,
  keys: FrameKeySource,
  report: (error: unknown) => void,
): Promise<Eavesdrop> {
  const ticket = await client.groupCalls.ticket(groupId);
  const connection = new SfuConnection(ticket.url);
  await connection.opened();
  const joined = await connection.request('join', { token: ticket.token, observe: true });
  const identities = new Map(joined.peers.map(({ peerId, identity }) => [peerId, identity]));
  connection.on('peer:joined', ({ peerId, identity }) => identities.set(peerId, identity));
  const e2ee = new FrameE2ee(keys);
  const sinks = new Map<string, HTMLVideoElement>();
  const media: CallMedia = new CallMedia(joined, {
    connection,
    handlerFactory: undefined,
    hooks: {
      // A Chromium-only member RTCConfiguration's type does not list.
      peerConnection: e2eePeerConnectionConfig(e2ee.mode) as Partial<RTCConfiguration>,
      receiver: (receiver, info) =>
        void e2ee.protectReceiver(receiver, accountOfCallIdentity(info.identity) ?? '', { kind: info.kind }),
    },
    identityOf: (peerId) => identities.get(peerId) ?? '',
    viewportOf: () => undefined,
    report,
    changed: () => {
      for (const remote of media.remoteTracks) {
        if (remote.kind !== 'video' || sinks.has(remote.consumerId)) continue;
        const video = document.createElement('video');
        video.muted = true;
        video.srcObject = new MediaStream([remote.track]);
        video.play().catch(() => undefined);
        sinks.set(remote.consumerId, video);
      }
    },
  });
  connection.on('producer:new', (producer) => void media.consume(producer).catch(report));
  await media.start(new MediaStream(), { muted: true, cameraOff: true });
  return {
    stats: () => e2ee.stats(),
    close: () => {
      media.close();
      connection.close();
      e2ee.close();
      for (const video of sinks.values()) video.srcObject = null;
    },
  };
}
