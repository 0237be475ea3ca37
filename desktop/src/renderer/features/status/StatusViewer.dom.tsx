import { useEffect, useRef, useState } from 'react';
import { createPortal } from 'react-dom';
import type { StatusUpdate } from '@parley/core';
import { useClient, useSession } from '../../app/client-context.js';
import { IconButton } from '../../ui/Button.js';
import { useStatusImageUrl } from './status-image.dom.js';
import { backgroundOf, firstUnseenIndex, statusAge } from './status-rings.js';

const PLAY = 'M8 5v14l11-7z';
const PAUSE = 'M6 19h4V5H6v14zm8-14v14h4V5h-4z';

/** How long one status shows before the next. */
const SHOW_MS = 5000;

/**
 * Full-screen player of one person's statuses: a progress bar per status, advancing by itself, with
 * previous/next, pause and Esc to close. A contact's status is marked viewed (their "viewed by" list) as it
 * shows; for my own, the "Viewed by" list.
 */
export function StatusViewer({
  author,
  name,
  mine,
  statuses,
  nameOf,
  onClose,
}: {
  author: string;
  name: string;
  mine: boolean;
  statuses: readonly StatusUpdate[];
  nameOf: (account: string) => string;
  onClose: () => void;
}) {
  const client = useClient();
  const { live } = useSession();
  const [index, setIndex] = useState(() => (mine ? 0 : firstUnseenIndex(statuses)));
  const [paused, setPaused] = useState(false);
  const [showViewers, setShowViewers] = useState(false);
  const box = useRef<HTMLDivElement>(null);
  const current = statuses[Math.min(index, statuses.length - 1)];
  const imageUrl = useStatusImageUrl(current?.image);

  const next = () => {
    setShowViewers(false);
    if (index >= statuses.length - 1) onClose();
    else setIndex(index + 1);
  };
  const previous = () => {
    setShowViewers(false);
    setIndex(Math.max(0, index - 1));
  };

  useEffect(() => {
    const previousFocus = document.activeElement as HTMLElement | null;
    box.current?.focus();
    return () => previousFocus?.focus();
  }, []);

  const statusId = current?.statusId;
  const unseen = current !== undefined && !mine && current.seen !== true;
  useEffect(() => {
    if (statusId === undefined || !unseen) return;
    client.status.markViewed(author, statusId).then(
      () => live.localChange(),
      () => undefined, // expired meanwhile: the list re-reads and the viewer closes
    );
  }, [client, live, author, statusId, unseen]);

  if (current === undefined) return null;
  const stopped = paused || showViewers;
  return createPortal(
    <div
      className="status-viewer"
      role="dialog"
      aria-modal="true"
      aria-label={mine ? 'My status' : `Status from ${name}`}
      tabIndex={-1}
      ref={box}
      onKeyDown={(event) => {
        if (event.key === 'Escape') {
          event.stopPropagation();
          onClose();
        } else if (event.key === 'ArrowRight') next();
        else if (event.key === 'ArrowLeft') previous();
      }}
    >
      <div className="status-stage">
        <div
          className="status-progress"
          role="progressbar"
          aria-label="Status progress"
          aria-valuemin={1}
          aria-valuemax={statuses.length}
          aria-valuenow={index + 1}
        >
          {statuses.map((status, position) => (
            <span key={status.statusId} className="status-progress-track">
              <span
                key={position === index ? `run-${index}` : 'idle'}
                className={`status-progress-fill ${position < index ? 'done' : position === index ? 'running' : ''}`}
                style={
                  position === index
                    ? {
                        animationDuration: `${SHOW_MS}ms`,
                        animationPlayState: stopped ? 'paused' : 'running',
                      }
                    : undefined
                }
                onAnimationEnd={position === index ? next : undefined}
              />
            </span>
          ))}
        </div>
        <header className="status-viewer-header">
          <div className="status-viewer-title">
            <h2>{name}</h2>
            <p>{statusAge(current.postedAt, Date.now())}</p>
          </div>
          <button
            type="button"
            className="icon-button"
            aria-label={stopped ? 'Play' : 'Pause'}
            title={stopped ? 'Play' : 'Pause'}
            onClick={() => (showViewers ? setShowViewers(false) : setPaused(!paused))}
          >
            <svg
              className="icon"
              width={24}
              height={24}
              viewBox="0 0 24 24"
              aria-hidden="true"
              focusable="false"
            >
              <path d={stopped ? PLAY : PAUSE} fill="currentColor" />
            </svg>
          </button>
          {mine && (
            <IconButton
              icon="trash"
              label="Delete status"
              onClick={() => {
                // Gone here at once, and on every viewer's device when the deletion reaches them.
                void client.status.delete(current.statusId).then(
                  () => live.localChange(),
                  () => live.localChange(),
                );
              }}
            />
          )}
          <IconButton icon="close" label="Close status" onClick={onClose} />
        </header>
        <div className="status-body" data-testid="status-body">
          {current.image !== undefined ? (
            <figure className="status-image">
              {imageUrl !== undefined && (
                <img src={imageUrl} alt={current.text ?? `Status image from ${name}`} />
              )}
              {current.text !== undefined && <figcaption>{current.text}</figcaption>}
            </figure>
          ) : (
            <div className="status-text" style={{ backgroundColor: backgroundOf(current) }}>
              <p>{current.text}</p>
            </div>
          )}
          <button
            type="button"
            className="status-nav status-nav-previous"
            aria-label="Previous status"
            onClick={previous}
          />
          <button
            type="button"
            className="status-nav status-nav-next"
            aria-label="Next status"
            onClick={next}
          />
        </div>
        {mine && (
          <footer className="status-viewers">
            <button
              type="button"
              className="status-viewers-toggle"
              aria-expanded={showViewers}
              onClick={() => setShowViewers(!showViewers)}
            >
              Viewed by {current.viewedBy.length}
            </button>
            {showViewers && (
              <ul className="status-viewers-list" aria-label="Viewed by">
                {current.viewedBy.length === 0 && <li className="status-viewers-empty">No views yet</li>}
                {current.viewedBy.map((viewer) => (
                  <li key={viewer}>{nameOf(viewer)}</li>
                ))}
              </ul>
            )}
          </footer>
        )}
      </div>
    </div>,
    document.body,
  );
}
