import { useEffect, useRef } from 'react';

export interface CallTileProps {
  readonly name: string;
  /** The SFU's id for this participant (a data attribute: lets tests match a tile to the SFU's peer). */
  readonly peerId: string | undefined;
  readonly track: MediaStreamTrack | undefined;
  readonly speaking: boolean;
  readonly pinned: boolean;
  readonly self?: boolean;
  readonly muted?: boolean;
  /** The direct connection with this person (a mesh call) is being re-made, or was given up. */
  readonly connection?: 'reconnecting' | 'unreachable' | undefined;
  readonly onPin?: () => void;
  /** The tile's size in device pixels whenever it changes (0×0 when it is gone). */
  readonly onResize?: (width: number, height: number) => void;
}

/** One person in the call: their video (or their initial), name, and the active-speaker ring. */
export function CallTile(props: CallTileProps) {
  const { name, peerId, track, speaking, pinned, self, muted, connection, onPin, onResize } = props;
  // Given up: their last frame would stay frozen on the tile, so it shows their initial instead.
  const shown = connection === 'unreachable' ? undefined : track;
  const video = useRef<HTMLVideoElement>(null);
  const frame = useRef<HTMLElement>(null);

  useEffect(() => {
    const element = video.current;
    if (element === null) return;
    element.srcObject = shown === undefined ? null : new MediaStream([shown]);
  }, [shown]);

  useEffect(() => {
    const element = frame.current;
    if (element === null || onResize === undefined) return;
    const report = () => {
      const scale = window.devicePixelRatio || 1;
      onResize(Math.round(element.clientWidth * scale), Math.round(element.clientHeight * scale));
    };
    const observer = new ResizeObserver(report);
    observer.observe(element);
    return () => {
      observer.disconnect();
      onResize(0, 0);
    };
  }, [onResize]);

  return (
    <figure
      ref={frame}
      className={`call-tile${speaking ? ' speaking' : ''}${pinned ? ' pinned' : ''}${self ? ' self' : ''}`}
      aria-label={name}
      data-speaking={speaking}
      data-peer-id={peerId}
      data-connection={connection}
    >
      {shown === undefined ? (
        <span className="call-tile-initial" aria-hidden="true">
          {name.slice(0, 1).toUpperCase()}
        </span>
      ) : (
        <video ref={video} autoPlay playsInline muted aria-label={`Video of ${name}`} />
      )}
      {connection === undefined ? null : (
        <p className="call-tile-connection" role="status">
          {connection === 'reconnecting' ? 'Reconnecting…' : `${name} could not be reached`}
        </p>
      )}
      <figcaption>
        {name}
        {muted ? <span className="call-tile-muted"> (muted)</span> : null}
      </figcaption>
      {onPin === undefined ? null : (
        <button
          type="button"
          className="call-tile-pin"
          aria-label={pinned ? `Unpin ${name}` : `Pin ${name}`}
          aria-pressed={pinned}
          onClick={onPin}
        >
          {pinned ? 'Unpin' : 'Pin'}
        </button>
      )}
    </figure>
  );
}

/** A remote person's sound; video elements stay muted so each voice plays exactly once. */
export function CallAudio({ track }: { track: MediaStreamTrack }) {
  const audio = useRef<HTMLAudioElement>(null);
  useEffect(() => {
    if (audio.current !== null) audio.current.srcObject = new MediaStream([track]);
  }, [track]);
  return <audio ref={audio} autoPlay />;
}
