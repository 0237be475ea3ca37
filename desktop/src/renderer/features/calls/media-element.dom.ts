import { useEffect, useRef } from 'react';

/**
 * A <video>/<audio> element showing one track: its srcObject follows the track (a new MediaStream per
 * track, so a replaced remote track or a switched camera shows at once).
 */
export function useTrackElement<E extends HTMLMediaElement>(track: MediaStreamTrack | undefined) {
  const ref = useRef<E>(null);
  useEffect(() => {
    const element = ref.current;
    if (element === null) return;
    element.srcObject = track === undefined ? null : new MediaStream([track]);
    if (track !== undefined) void element.play().catch(() => undefined);
  }, [track]);
  return ref;
}
