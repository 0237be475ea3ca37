import { useEffect, useRef, useState } from 'react';
import type { FileInfo, ParleyClient } from '@parley/core';
import { useClient } from '../../app/client-context.js';
import { MediaIconButton } from './MediaIcon.js';
import { saveAs, useFileInfo, useFileUrl, useThumbnailUrl } from './media-files.dom.js';
import { mediaKind } from './media-format.js';
import { viewerTarget } from './media-state.js';
import './media.css';

/** How far back the viewer looks for a conversation's photos and videos. */
const VIEWER_MESSAGES = 500;

/** The photos and videos of a conversation, oldest first (message ids). */
async function conversationMedia(client: ParleyClient, conversationId: string): Promise<string[]> {
  const page = await client.messages.page(conversationId, { limit: VIEWER_MESSAGES });
  const files = page.messages.filter(
    (message) => message.deletedAt === undefined && (message.attachmentIds?.length ?? 0) > 0,
  );
  const infos = await Promise.all(files.map((message) => client.files.info(message.id)));
  return infos
    .filter((info): info is FileInfo => info !== undefined)
    .filter((info) => {
      const kind = mediaKind(info.mimeType, info.voice !== undefined);
      return kind === 'image' || kind === 'video';
    })
    .map((info) => info.messageId)
    .reverse();
}

/** The full-screen viewer, mounted once: Esc closes, the arrow keys move through the conversation's media. */
export function MediaViewer({ conversationId, messageId }: { conversationId: string; messageId: string }) {
  const client = useClient();
  const box = useRef<HTMLDivElement>(null);
  const [media, setMedia] = useState<string[]>([messageId]);
  useEffect(() => {
    let live = true;
    void conversationMedia(client, conversationId).then((ids) => {
      if (live && ids.includes(messageId)) setMedia(ids);
    });
    return () => {
      live = false;
    };
  }, [client, conversationId, messageId]);
  useEffect(() => {
    const previous = document.activeElement as HTMLElement | null;
    box.current?.focus();
    return () => previous?.focus();
  }, []);

  const index = Math.max(0, media.indexOf(messageId));
  const move = (step: number) => {
    const next = media[index + step];
    if (next !== undefined) viewerTarget.set({ conversationId, messageId: next });
  };
  const close = () => viewerTarget.set(undefined);

  return (
    <div
      ref={box}
      className="media-viewer"
      role="dialog"
      aria-modal="true"
      aria-label="Media viewer"
      tabIndex={-1}
      onKeyDown={(event) => {
        if (event.key === 'Escape') {
          event.stopPropagation();
          close();
        } else if (event.key === 'ArrowLeft') move(-1);
        else if (event.key === 'ArrowRight') move(1);
      }}
    >
      <ViewerItem messageId={messageId} position={`${index + 1} of ${media.length}`} onClose={close} />
      <MediaIconButton
        icon="left"
        label="Previous"
        className="media-viewer-nav media-viewer-prev"
        disabled={index === 0}
        onClick={() => move(-1)}
      />
      <MediaIconButton
        icon="right"
        label="Next"
        className="media-viewer-nav media-viewer-next"
        disabled={index >= media.length - 1}
        onClick={() => move(1)}
      />
    </div>
  );
}

function ViewerItem({
  messageId,
  position,
  onClose,
}: {
  messageId: string;
  position: string;
  onClose: () => void;
}) {
  const info = useFileInfo(messageId);
  const url = useFileUrl(info);
  const thumbnail = useThumbnailUrl(info?.thumbnail);
  const kind = info === undefined ? 'image' : mediaKind(info.mimeType, false);
  return (
    <>
      <header className="media-viewer-header">
        <div className="media-viewer-title">
          <span className="media-viewer-name">{info?.name ?? ''}</span>
          <span className="media-viewer-position">{position}</span>
        </div>
        {url !== undefined && info !== undefined && (
          <MediaIconButton
            icon="download"
            label={`Save ${info.name}`}
            onClick={() => saveAs(url, info.name)}
          />
        )}
        <MediaIconButton icon="close" label="Close viewer" onClick={onClose} />
      </header>
      <figure className="media-viewer-stage">
        {kind === 'video' && url !== undefined ? (
          <video
            key={url}
            src={url}
            controls
            autoPlay
            className="media-viewer-content"
            aria-label={info?.name}
          />
        ) : url !== undefined || thumbnail !== undefined ? (
          <img
            src={url ?? thumbnail}
            alt={info?.caption ?? info?.name ?? ''}
            className={`media-viewer-content ${url === undefined ? 'media-thumb-pending' : ''}`}
            data-full={url === undefined ? 'false' : 'true'}
          />
        ) : null}
        {info?.caption !== undefined && <figcaption>{info.caption}</figcaption>}
      </figure>
    </>
  );
}
