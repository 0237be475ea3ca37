import type { EngineStateStore } from '../../shared/state-store.js';

/**
 * Files of a moved history whose bytes are still on the device that linked this one: one engine-state row per
 * message, written when the history brings its file record and deleted once the bytes are here.
 */
export const MOVED_FILE_PREFIX = 'file-elsewhere:';

/** Where such a file stands, as the last attempt left it ('fetching' is only ever in memory). */
export interface MovedFileRecord {
  readonly state: 'not-fetched' | 'offline' | 'failed';
  readonly reason?: string;
}

/** A file record of the history (a `file:` state item) whose bytes the sending device has. */
export async function markMovedFile(state: EngineStateStore, key: string, value: unknown): Promise<void> {
  if (!key.startsWith('file:')) return;
  const record = value as { state?: unknown } | null;
  if (typeof record !== 'object' || record === null || record.state !== 'complete') return;
  const messageId = key.slice('file:'.length);
  // A batch stored twice (a resume) keeps what an attempt to fetch it since recorded.
  if ((await state.get(`${MOVED_FILE_PREFIX}${messageId}`)) !== undefined) return;
  await state.put(`${MOVED_FILE_PREFIX}${messageId}`, { state: 'not-fetched' } satisfies MovedFileRecord);
}

export async function movedFileRecord(
  state: EngineStateStore,
  messageId: string,
): Promise<MovedFileRecord | undefined> {
  const value = (await state.get(`${MOVED_FILE_PREFIX}${messageId}`)) as MovedFileRecord | undefined;
  return value === undefined
    ? undefined
    : { state: value.state, ...(value.reason ? { reason: value.reason } : {}) };
}
