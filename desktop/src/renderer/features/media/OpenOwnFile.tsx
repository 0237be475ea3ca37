import { desktopShell } from '../../platform/desktop-shell.dom.js';
import { MediaIconButton } from './MediaIcon.js';

/**
 * The sender's own file: open it, rather than download a copy of what is already theirs. In a browser it
 * opens in a new tab (`noopener noreferrer`); the Electron shell has no "show in folder" channel yet, so
 * there the card shows no button.
 */
export function OpenOwnFile({ url, name }: { url: string; name: string }) {
  if (desktopShell() !== undefined) return null;
  return (
    <MediaIconButton
      icon="open"
      label={`Open ${name}`}
      className="file-card-save"
      onClick={() => window.open(url, '_blank', 'noopener,noreferrer')}
    />
  );
}
