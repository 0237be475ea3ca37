import { useRef, useState, type KeyboardEvent, type PointerEvent } from 'react';
import { useTrackElement } from './media-element.dom.js';

const STEP = 24;

/**
 * The person's own camera (or shared screen), small over the remote video, draggable with the pointer or
 * moved with the arrow keys. The camera is mirrored as in a mirror; a shared screen is not.
 */
export function SelfView({ track, mirrored }: { track: MediaStreamTrack | undefined; mirrored: boolean }) {
  const video = useTrackElement<HTMLVideoElement>(track);
  const [offset, setOffset] = useState({ x: 0, y: 0 });
  const drag = useRef<{ x: number; y: number; from: { x: number; y: number } } | undefined>(undefined);

  const onPointerDown = (event: PointerEvent<HTMLDivElement>) => {
    event.currentTarget.setPointerCapture(event.pointerId);
    drag.current = { x: event.clientX, y: event.clientY, from: offset };
  };
  const onPointerMove = (event: PointerEvent<HTMLDivElement>) => {
    const start = drag.current;
    if (start === undefined) return;
    setOffset({ x: start.from.x + event.clientX - start.x, y: start.from.y + event.clientY - start.y });
  };
  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    const moves: Record<string, { x: number; y: number }> = {
      ArrowLeft: { x: -STEP, y: 0 },
      ArrowRight: { x: STEP, y: 0 },
      ArrowUp: { x: 0, y: -STEP },
      ArrowDown: { x: 0, y: STEP },
    };
    const move = moves[event.key];
    if (move === undefined) return;
    event.preventDefault();
    setOffset((at) => ({ x: at.x + move.x, y: at.y + move.y }));
  };
  if (track === undefined) return null;
  return (
    <div
      className="call-self"
      role="group"
      aria-label="Your video (drag or use the arrow keys to move it)"
      tabIndex={0}
      style={{ transform: `translate(${offset.x}px, ${offset.y}px)` }}
      onPointerDown={onPointerDown}
      onPointerMove={onPointerMove}
      onPointerUp={() => {
        drag.current = undefined;
      }}
      onKeyDown={onKeyDown}
    >
      <video ref={video} className={mirrored ? 'mirrored' : ''} autoPlay playsInline muted />
    </div>
  );
}
