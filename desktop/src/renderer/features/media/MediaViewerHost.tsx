import { lazy, Suspense, useSyncExternalStore } from 'react';
import { createPortal } from 'react-dom';
import { viewerTarget } from './media-state.js';

// The viewer's code loads the first time a photo or video is opened, not with the first screen.
const MediaViewer = lazy(() =>
  import('./MediaViewer.js').then((module) => ({ default: module.MediaViewer })),
);

/** Mounted once: shows the viewer over everything while a photo or video is open. */
export function MediaViewerHost() {
  const target = useSyncExternalStore(viewerTarget.subscribe, viewerTarget.get);
  if (target === undefined) return null;
  return createPortal(
    <Suspense fallback={null}>
      <MediaViewer conversationId={target.conversationId} messageId={target.messageId} />
    </Suspense>,
    document.body,
  );
}
