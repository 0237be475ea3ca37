import { Store } from '../../app/store.js';

/*
 * Small external stores (useSyncExternalStore) the media feature's pieces share: the files waiting in the
 * send dialog of each conversation, and which media the full-screen viewer shows.
 */

/** Files chosen, dropped or pasted, waiting in the preview/caption dialog before they are sent. */
export interface PendingFiles {
  readonly conversationId: string;
  readonly files: readonly File[];
  /** Why sending them could not start (shown when the dialog comes back). */
  readonly failure?: string;
}

export const pendingFiles = new Store<PendingFiles | undefined>(undefined);

/** Adds files to the dialog of `conversationId` (a new conversation replaces what waited for another). */
export function addPendingFiles(conversationId: string, files: readonly File[]): void {
  if (files.length === 0) return;
  const current = pendingFiles.get();
  pendingFiles.set({
    conversationId,
    files: current?.conversationId === conversationId ? [...current.files, ...files] : [...files],
  });
}

export interface ViewerTarget {
  readonly conversationId: string;
  readonly messageId: string;
}

export const viewerTarget = new Store<ViewerTarget | undefined>(undefined);
