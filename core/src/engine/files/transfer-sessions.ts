import type { PeerAddress } from '../../link/link-manager.js';
import type { TransferSession } from '../../transfer/session.js';
import type { TransferEndpoint } from '../../transfer/types.js';

function keyOf(peer: PeerAddress): string {
  return `${peer.identity}/${peer.deviceId}`;
}

/**
 * Transfers outlive links: each peer's transfers (endpoints) are kept here and attached to whichever link's
 * transfer session is current, so a transfer cut by a dropped link resumes on the next one.
 */
export class TransferSessions {
  /** Endpoints by peer key, attached to each new link's session. */
  readonly #endpoints = new Map<string, Map<string, TransferEndpoint>>();
  readonly #sessions = new Map<string, TransferSession>();

  constructor(private readonly connect: (peer: PeerAddress) => void) {}

  /** A new link's transfer session: every transfer with that peer attaches (or resumes) on it. */
  adopt(peer: PeerAddress, session: TransferSession): void {
    const key = keyOf(peer);
    this.#sessions.set(key, session);
    session.on('close', () => {
      if (this.#sessions.get(key) === session) this.#sessions.delete(key);
    });
    for (const endpoint of this.#endpoints.get(key)?.values() ?? []) session.attach(endpoint);
  }

  /** A transfer from the peer this device refused: its current session lets go of what it holds for it. */
  forget(peer: PeerAddress, id: string): void {
    this.#sessions.get(keyOf(peer))?.forget(id);
  }

  /** Attaches a transfer to the peer's current session, or opens a link; returns how to forget it. */
  attach(peer: PeerAddress, endpoint: TransferEndpoint): () => void {
    const key = keyOf(peer);
    let endpoints = this.#endpoints.get(key);
    if (endpoints === undefined) this.#endpoints.set(key, (endpoints = new Map()));
    endpoints.set(endpoint.id, endpoint);
    const session = this.#sessions.get(key);
    if (session !== undefined) session.attach(endpoint);
    else this.connect(peer);
    return () => endpoints.delete(endpoint.id);
  }
}
