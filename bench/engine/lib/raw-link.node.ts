import wrtc from '@roamhq/wrtc';
import { DataLink } from '@parley/core';

/**
 * The baseline for the direct-link benches: a bare DataLink pair (simple-peer over @roamhq/wrtc, the same
 * send queue and backpressure limits the engine's links use, 16 KiB frames) in this process, signalled by
 * handing each side's signals straight to the other. No framing layer, no encryption, no engine.
 */
export interface RawLinkPair {
  readonly a: DataLink;
  readonly b: DataLink;
  close(): Promise<void>;
}

export async function openRawLinkPair(): Promise<RawLinkPair> {
  // Holders, so each side's sendSignal can reach the other before both exist.
  const sides: { a?: DataLink; b?: DataLink } = {};
  const common = { iceServers: [], wrtc, connectTimeoutMs: 10_000 } as const;
  const a = new DataLink({
    ...common,
    initiator: true,
    linkId: 'raw-bench',
    sendSignal: (data) => setImmediate(() => sides.b?.receiveSignal(data)),
  });
  const b = new DataLink({
    ...common,
    initiator: false,
    linkId: 'raw-bench',
    sendSignal: (data) => setImmediate(() => sides.a?.receiveSignal(data)),
  });
  sides.a = a;
  sides.b = b;
  await Promise.all([opened(a), opened(b)]);
  return {
    a,
    b,
    close: async () => {
      a.close();
      b.close();
      await Promise.all([a.whenClosed(), b.whenClosed()]);
    },
  };
}

function opened(link: DataLink): Promise<void> {
  return new Promise((resolve, reject) => {
    link.on('open', () => resolve());
    link.on('close', ({ reason }) => reject(new Error(`raw link closed before opening (${reason})`)));
  });
}
