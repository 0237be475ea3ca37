import type { KeyWrapper, KeyWrapperSource, Pbkdf2Subtle } from '@parley/core';
import type { ParleyDesktopApi } from '../../preload/api.js';
import { desktopShell } from './desktop-shell.dom.js';

/**
 * How identity keys are protected at rest. This is the seam between the web client and the Electron shell:
 * - in a browser there is no `window.parley`, so a passphrase protects them (PBKDF2, core's passphraseKeyWrapper);
 * - in Electron the preload's `getDatabaseKey()` hands a safeStorage-protected key, and no passphrase is asked,
 *   unless main says the OS cannot protect keys (then a passphrase, with main's reason shown), or the key is
 *   lost (then an error that stops the app before the database is opened).
 */
export type KeySource =
  | { readonly kind: 'passphrase'; readonly reason?: string }
  | { readonly kind: 'device'; readonly wrapper: KeyWrapper }
  | { readonly kind: 'error'; readonly message: string };

function desktopApi(): Pick<ParleyDesktopApi, 'getDatabaseKey'> | undefined {
  const api = desktopShell();
  return typeof api?.getDatabaseKey === 'function'
    ? (api as Pick<ParleyDesktopApi, 'getDatabaseKey'>)
    : undefined;
}

export async function detectKeySource(): Promise<KeySource> {
  const api = desktopApi();
  if (api === undefined) return { kind: 'passphrase' };
  // Only the desktop shell needs core here; a browser shows its first screen without it.
  const { desktopKeySource } = await import('../desktop-key.dom.js');
  const source = await desktopKeySource(api);
  if (source.kind === 'wrapper') return { kind: 'device', wrapper: source.wrapper };
  if (source.kind === 'passphrase') return { kind: 'passphrase', reason: source.detail };
  return { kind: 'error', message: source.message };
}

/** The wrapper the client database uses: the device key, or one derived from the passphrase typed. */
export async function keyWrapperFor(source: KeySource, passphrase: string): Promise<KeyWrapperSource> {
  if (source.kind === 'device') return source.wrapper;
  const { passphraseKeyWrapper } = await import('@parley/core');
  return passphraseKeyWrapper({ passphrase, subtle: crypto.subtle as unknown as Pbkdf2Subtle });
}
