import { createSecretboxKeyWrapper, type KeyWrapper } from '@parley/core';
import type { DatabaseKeyResult } from '../ipc/channels.js';
import type { ParleyDesktopApi } from '../preload/api.js';

export type DesktopKeySource =
  | { readonly kind: 'wrapper'; readonly wrapper: KeyWrapper }
  | Exclude<DatabaseKeyResult, { kind: 'protected' }>;

/**
 * How the renderer protects identity keys at rest on desktop: with the safeStorage-protected key from main
 * (one narrow IPC call), or, when main says so, with core's passphraseKeyWrapper after telling the user why
 * (`detail`). An 'error' must be shown and must stop the app from opening the database.
 */
export async function desktopKeySource(
  api: Pick<ParleyDesktopApi, 'getDatabaseKey'>,
): Promise<DesktopKeySource> {
  const result = await api.getDatabaseKey();
  if (result.kind !== 'protected') return result;
  const wrapper = createSecretboxKeyWrapper(result.key);
  result.key.fill(0);
  return { kind: 'wrapper', wrapper };
}
