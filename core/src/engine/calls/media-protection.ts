import type { RtcTransceiver } from './rtc-types.js';

/**
 * Where end-to-end frame encryption attaches to a peer connection's media (a group call's mesh pair): every
 * sender and receiver the connection gets passes through here once, before media flows on it.
 */
export interface MediaProtection {
  sender(sender: unknown, kind: 'audio' | 'video'): void;
  receiver(receiver: unknown, kind: 'audio' | 'video'): void;
}

/** Hands every sender and receiver of `transceivers` not in `seen` to `protect`, and remembers them. */
export function protectTransceivers(
  protect: MediaProtection,
  transceivers: readonly RtcTransceiver[],
  seen: WeakSet<object>,
): void {
  for (const transceiver of transceivers) {
    const kind = transceiver.receiver.track.kind === 'audio' ? 'audio' : 'video';
    if (!seen.has(transceiver.sender)) {
      seen.add(transceiver.sender);
      protect.sender(transceiver.sender, kind);
    }
    if (!seen.has(transceiver.receiver)) {
      seen.add(transceiver.receiver);
      protect.receiver(transceiver.receiver, kind);
    }
  }
}
