import { useId, useState, type FormEvent } from 'react';
import { useClient } from '../../app/client-context.js';
import { Button } from '../../ui/Button.js';
import { describeError } from '../onboarding/errors.js';
import { backupFileName, backupPassphraseProblem } from './backup-file.js';
import { SettingsSection } from './settings-rows.js';

/** Saves every chat, encrypted under a passphrase, as a `.parley-backup` file to restore on another device. */
export function BackupSection() {
  const client = useClient();
  const ids = { pass: useId(), again: useId() };
  const [passphrase, setPassphrase] = useState('');
  const [again, setAgain] = useState('');
  const [status, setStatus] = useState<{ error: boolean; text: string } | undefined>();
  const [busy, setBusy] = useState(false);

  async function exportBackup(event: FormEvent) {
    event.preventDefault();
    const problem = backupPassphraseProblem(passphrase, again);
    if (problem !== undefined) return setStatus({ error: true, text: problem });
    setStatus(undefined);
    setBusy(true);
    try {
      const bytes = await client.backup.export(passphrase);
      const name = backupFileName(new Date());
      const url = URL.createObjectURL(new Blob([bytes as BlobPart], { type: 'application/octet-stream' }));
      const link = document.createElement('a');
      link.href = url;
      link.download = name;
      link.click();
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
      setPassphrase('');
      setAgain('');
      setStatus({ error: false, text: `Backup saved as ${name}` });
    } catch (failure) {
      setStatus({ error: true, text: describeError(failure) });
    } finally {
      setBusy(false);
    }
  }

  return (
    <SettingsSection title="Backup">
      <form className="settings-backup" onSubmit={(event) => void exportBackup(event)} noValidate>
        <p className="hint">
          Export all your chats, encrypted with a passphrase, and restore them on another device from its
          welcome screen. Once restored there, stop using Parley on this device.
        </p>
        <label htmlFor={ids.pass}>Backup passphrase</label>
        <input
          id={ids.pass}
          type="password"
          value={passphrase}
          autoComplete="new-password"
          onChange={(event) => setPassphrase(event.target.value)}
        />
        <label htmlFor={ids.again}>Repeat backup passphrase</label>
        <input
          id={ids.again}
          type="password"
          value={again}
          autoComplete="new-password"
          onChange={(event) => setAgain(event.target.value)}
        />
        {status !== undefined && (
          <p role={status.error ? 'alert' : 'status'} className={status.error ? 'form-error' : 'hint'}>
            {status.text}
          </p>
        )}
        <Button type="submit" disabled={busy}>
          {busy ? 'Exporting…' : 'Export backup'}
        </Button>
      </form>
    </SettingsSection>
  );
}
