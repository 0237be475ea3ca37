import { useId, useRef, useState, type FormEvent } from 'react';
import { normaliseRelayUrl, saveProfile, type Profile } from '../../app/profile.js';
import { closeSession, restoreSession, type Session } from '../../app/session-loader.js';
import { allowRelayInShell } from '../../platform/desktop-shell.dom.js';
import { keyWrapperFor, type KeySource } from '../../platform/key-source.dom.js';
import { Button } from '../../ui/Button.js';
import { bytesToDataUrl } from './avatar-bytes.js';
import { describeError } from './errors.js';
import { FormError } from '../../ui/FormError.js';

/** The largest file accepted as a backup (a backup of years of text chats stays far below). */
const MAX_BACKUP_FILE = 512 * 1024 * 1024;

/**
 * "Restore from backup": a `.parley-backup` file exported on another device and its passphrase; the chats
 * open straight after. In a browser the same passphrase then protects the keys on this device.
 */
export function RestoreBackupForm({
  keys,
  relay,
  onReady,
  onCancel,
}: {
  keys: KeySource;
  relay: string;
  onReady: (session: Session) => void;
  onCancel: () => void;
}) {
  const ids = { relay: useId(), pass: useId() };
  const fileInput = useRef<HTMLInputElement>(null);
  const [file, setFile] = useState<File | undefined>();
  const [relayUrl, setRelayUrl] = useState(relay);
  const [passphrase, setPassphrase] = useState('');
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);

  async function restore(event: FormEvent) {
    event.preventDefault();
    setError(undefined);
    if (file === undefined) return setError('Choose the backup file exported on your other device');
    if (file.size > MAX_BACKUP_FILE) return setError('That file is too large to be a Parley backup');
    // Core (and the backup code with it) is fetched when a backup is restored, not with the first screen.
    const { MIN_BACKUP_PASSPHRASE_LENGTH } = await import('@parley/core');
    if (passphrase.length < MIN_BACKUP_PASSPHRASE_LENGTH)
      return setError(`The backup passphrase has at least ${MIN_BACKUP_PASSPHRASE_LENGTH} characters`);
    setBusy(true);
    let session: Session | undefined;
    try {
      const profile: Profile = {
        displayName: '',
        relayUrl: normaliseRelayUrl(relayUrl),
        createdAt: Date.now(),
      };
      const bytes = new Uint8Array(await file.arrayBuffer());
      const reloadFirst = await allowRelayInShell(profile.relayUrl);
      session = await restoreSession(profile, await keyWrapperFor(keys, passphrase), bytes, passphrase);
      const { client } = session;
      const avatar =
        client.profile.current?.avatar === undefined
          ? undefined
          : bytesToDataUrl(client.profile.current.avatar);
      const restored: Profile = {
        ...profile,
        displayName: client.profile.displayName,
        ...(avatar === undefined ? {} : { avatar }),
      };
      saveProfile(localStorage, restored);
      if (reloadFirst) {
        // Desktop: the CSP admits the relay from the next load; the unlock screen then starts the client.
        await closeSession(session);
        location.reload();
        return;
      }
      onReady({ ...session, profile: restored });
    } catch (failure) {
      if (session !== undefined) await closeSession(session);
      setError(describeError(failure));
      setBusy(false);
    }
  }

  return (
    <form className="onboarding-card" onSubmit={(event) => void restore(event)} noValidate>
      <h1>Restore from backup</h1>
      <p className="hint">
        Your chats come back from a backup exported on your other device. Stop using Parley there afterwards.
      </p>
      <div className="file-pick">
        <Button variant="secondary" onClick={() => fileInput.current?.click()}>
          Choose backup file
        </Button>
        <span className="file-name">{file?.name ?? 'No file chosen'}</span>
        <input
          ref={fileInput}
          type="file"
          accept=".parley-backup,application/octet-stream"
          className="visually-hidden"
          aria-label="Backup file"
          tabIndex={-1}
          onChange={(event) => setFile(event.target.files?.[0])}
        />
      </div>
      <label htmlFor={ids.relay}>Relay address</label>
      <input
        id={ids.relay}
        value={relayUrl}
        inputMode="url"
        onChange={(event) => setRelayUrl(event.target.value)}
      />
      <label htmlFor={ids.pass}>Backup passphrase</label>
      <input
        id={ids.pass}
        type="password"
        value={passphrase}
        autoComplete="current-password"
        onChange={(event) => setPassphrase(event.target.value)}
      />
      {keys.kind === 'passphrase' && (
        <p className="hint">On this device, the same passphrase then unlocks your keys.</p>
      )}
      <FormError message={error} />
      <Button type="submit" disabled={busy}>
        {busy ? 'Restoring…' : 'Restore'}
      </Button>
      <button type="button" className="link-button onboarding-switch" onClick={onCancel}>
        Create a new identity instead
      </button>
    </form>
  );
}
