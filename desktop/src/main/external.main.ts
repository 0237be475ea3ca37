import { dialog, shell, type BrowserWindow, type MessageBoxOptions } from 'electron';
import { externalLinkDecision } from './policy/external-links.js';

/** Opens an http(s) link in the system browser once the user confirms a dialog showing its real host. */
export async function openExternalAfterConfirm(
  url: string,
  parent: BrowserWindow | undefined,
): Promise<boolean> {
  const decision = externalLinkDecision(url);
  if (decision.action === 'deny') return false;
  const options: MessageBoxOptions = {
    type: 'question',
    buttons: ['Cancel', 'Open in browser'],
    defaultId: 0,
    cancelId: 0,
    noLink: true,
    message: `Open a link to ${decision.host}?`,
    detail: decision.url,
  };
  const { response } =
    parent === undefined
      ? await dialog.showMessageBox(options)
      : await dialog.showMessageBox(parent, options);
  if (response !== 1) return false;
  await shell.openExternal(decision.url);
  return true;
}
