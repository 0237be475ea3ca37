import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { clearProfile, loadProfile } from '../../app/profile.js';
import { closeSession, startSession, type Session } from '../../app/session-loader.js';
import { allowRelayInShell } from '../../platform/desktop-shell.dom.js';
import { keyWrapperFor, type KeySource } from '../../platform/key-source.dom.js';
import { Avatar } from '../../ui/Avatar.js';
import { Button } from '../../ui/Button.js';
import { describeError } from './errors.js';
import { FormError } from '../../ui/FormError.js';
import './onboarding.css';

/** On later visits: the passphrase opens the keys (or, on desktop, the device key opens them at once). */
export function UnlockScreen({ keys, onReady }: { keys: KeySource; onReady: (session: Session) => void }) {
  const profile = loadProfile(localStorage);
  const passId = useId();
  const [passphrase, setPassphrase] = useState('');
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const started = useRef(false);

  async function unlock(event?: FormEvent) {
    event?.preventDefault();
    if (profile === undefined) return;
    setBusy(true);
    setError(undefined);
    let session: Session | undefined;
    try {
      if (await allowRelayInShell(profile.relayUrl)) return location.reload();
      session = await startSession(profile, await keyWrapperFor(keys, passphrase));
      onReady(session);
    } catch (failure) {
      if (session !== undefined) await closeSession(session);
      setError(describeError(failure));
      setBusy(false);
    }
  }

  useEffect(() => {
    if (keys.kind === 'device' && !started.current) {
      started.current = true;
      void unlock();
    }
  });

  if (profile === undefined) return null;
  return (
    <main className="onboarding">
      <form className="onboarding-card" onSubmit={(event) => void unlock(event)}>
        <Avatar name={profile.displayName} seed={profile.displayName} image={profile.avatar} size={72} />
        <h1>{profile.displayName}</h1>
        {keys.kind === 'passphrase' && (
          <>
            <label htmlFor={passId}>Passphrase</label>
            <input
              id={passId}
              type="password"
              value={passphrase}
              autoComplete="current-password"
              autoFocus
              onChange={(event) => setPassphrase(event.target.value)}
            />
          </>
        )}
        <FormError message={error} />
        <Button type="submit" disabled={busy}>
          {busy ? 'Unlocking…' : 'Unlock'}
        </Button>
        <button
          type="button"
          className="link-button"
          onClick={() => {
            if (!confirm('Forget this identity on this device? Its messages stay encrypted and unreadable.'))
              return;
            clearProfile(localStorage);
            indexedDB.deleteDatabase('parley');
            location.reload();
          }}
        >
          Use another identity
        </button>
      </form>
    </main>
  );
}
