import { desktopShell } from '../../platform/desktop-shell.dom.js';
import { MediaIconButton } from './MediaIcon.js';
import { saveAs } from './media-files.dom.js';

/**
 * A file message's bytes, as the person would want them: the sender's own file opens (in a browser, a new
 * tab with `noopener noreferrer`) rather than downloading a copy of what is already theirs; a received file
 * is saved. In the Electron shell both are "Show in folder": the shell saves the bytes in Downloads under a
 * safe name and shows them in the file manager (main/downloads.main.ts).
 */
export function FileAction({ url, name, own }: { url: string; name: string; own: boolean }) {
  if (desktopShell() !== undefined)
    return (
      <MediaIconButton
        icon="folder"
        label={`Show ${name} in folder`}
        className="file-card-save"
        onClick={() => saveAs(url, name)}
      />
    );
  if (own)
    return (
      <MediaIconButton
        icon="open"
        label={`Open ${name}`}
        className="file-card-save"
        onClick={() => window.open(url, '_blank', 'noopener,noreferrer')}
      />
    );
  return (
    <MediaIconButton
      icon="download"
      label={`Save ${name}`}
      className="file-card-save"
      onClick={() => saveAs(url, name)}
    />
  );
}
