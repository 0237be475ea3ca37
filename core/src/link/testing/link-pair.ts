import wrtc from '@roamhq/wrtc';
import { DataLink, type LinkCloseEvent } from '../data-link.js';
import type { DataLinkOptions, WebRtcImplementation } from '../options.js';

/** Node's WebRTC for tests; every test runs inside a loopback-only network namespace. */
export const testWrtc: WebRtcImplementation = wrtc;

export type PairOptions = Partial<Omit<DataLinkOptions, 'initiator' | 'sendSignal' | 'linkId'>> & {
  readonly linkId?: string;
};

/**
 * Two DataLinks signalled to each other in-process (what the relay does between two devices), with no ICE
 * servers. Signals are delivered asynchronously, as the relay would.
 */
export function createLinkPair(options: PairOptions = {}): { a: DataLink; b: DataLink } {
  const linkId = options.linkId ?? 'test-link';
  const common = { iceServers: [], wrtc: testWrtc, ...options, linkId };
  const links: { a?: DataLink; b?: DataLink } = {};
  const deliver = (to: 'a' | 'b') => (data: unknown) => {
    setTimeout(() => {
      const link = links[to];
      if (link !== undefined && link.state !== 'closed') link.receiveSignal(data);
    }, 0);
  };
  const a = new DataLink({ ...common, initiator: true, sendSignal: deliver('b') });
  const b = new DataLink({ ...common, initiator: false, sendSignal: deliver('a') });
  links.a = a;
  links.b = b;
  return { a, b };
}

export function whenOpen(link: DataLink): Promise<void> {
  if (link.state === 'open') return Promise.resolve();
  return new Promise((resolve, reject) => {
    link.once('open', () => resolve());
    link.once('close', (event) =>
      reject(event.error ?? new Error(`closed (${event.reason}) before opening`)),
    );
  });
}

export function whenClosed(link: DataLink): Promise<LinkCloseEvent> {
  return new Promise((resolve) => link.once('close', resolve));
}

export async function openLinkPair(options: PairOptions = {}): Promise<{ a: DataLink; b: DataLink }> {
  const pair = createLinkPair(options);
  await Promise.all([whenOpen(pair.a), whenOpen(pair.b)]);
  return pair;
}

/** Closes every link and waits until their peer connections are torn down, so vitest can exit. */
export async function closeAll(...links: readonly DataLink[]): Promise<void> {
  for (const link of links) link.close();
  await Promise.all(links.map((link) => link.whenClosed()));
}
