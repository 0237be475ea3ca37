import type { DataLink } from '../../link/data-link.js';
import { FramedLink } from '../../link/framed-link.js';
import { closeAll, openLinkPair } from '../../link/testing/link-pair.js';
import { TransferSession } from '../session.js';

/**
 * A fresh WebRTC link between two devices with a transfer session on each end, for tests. Both links are
 * pushed onto `links`, for the test's afterEach to close.
 */
export async function linkSessions(linkId: string, links: DataLink[]) {
  const { a, b } = await openLinkPair({ linkId });
  links.push(a, b);
  const fa = new FramedLink(a);
  const fb = new FramedLink(b);
  return { a, b, fa, fb, sa: new TransferSession(fa), sb: new TransferSession(fb) };
}

/**
 * `sessions(linkId)` opens links as `linkSessions` does and keeps them, `closeSessions()` closes every link
 * opened so far: one pool per test file, emptied by its afterEach.
 */
export function sessionPool() {
  const links: DataLink[] = [];
  return {
    sessions: (linkId: string) => linkSessions(linkId, links),
    closeSessions: () => closeAll(...links.splice(0)),
  };
}
