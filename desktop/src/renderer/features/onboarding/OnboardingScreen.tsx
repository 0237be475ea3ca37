import { useEffect, useId, useState, type FormEvent } from 'react';
import { saveProfile, normaliseRelayUrl, type Profile } from '../../app/profile.js';
import { fetchRelayPolicy, relayAccessOptions, type RelayPolicy } from '../../app/relay-access.js';
import { closeSession, startSession, whenConnected, type Session } from '../../app/session.dom.js';
import { defaultRelayUrl } from '../../platform/browser-platform.dom.js';
import { allowRelayInShell } from '../../platform/desktop-shell.dom.js';
import { keyWrapperFor, type KeySource } from '../../platform/key-source.dom.js';
import { Avatar } from '../../ui/Avatar.js';
import { Button } from '../../ui/Button.js';
import { downscaleAvatar } from './avatar-image.dom.js';
import { describeError } from './errors.js';
import './onboarding.css';

export const MIN_PASSPHRASE = 8;

/** Creates the identity: name, picture, relay (and its access policy), passphrase for the keys at rest. */
export function OnboardingScreen({
  keys,
  onReady,
}: {
  keys: KeySource;
  onReady: (session: Session) => void;
}) {
  const ids = {
    name: useId(),
    relay: useId(),
    access: useId(),
    user: useId(),
    pass: useId(),
    again: useId(),
  };
  const [name, setName] = useState('');
  const [avatar, setAvatar] = useState<string | undefined>();
  const [relay, setRelay] = useState(() => defaultRelayUrl(location));
  const [policy, setPolicy] = useState<RelayPolicy | undefined>();
  const [credential, setCredential] = useState('');
  const [username, setUsername] = useState('');
  const [passphrase, setPassphrase] = useState('');
  const [again, setAgain] = useState('');
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const needsPassphrase = keys.kind === 'passphrase';

  useEffect(() => {
    let live = true;
    const timer = setTimeout(() => {
      let url: string;
      try {
        url = normaliseRelayUrl(relay);
      } catch {
        return setPolicy(undefined);
      }
      fetchRelayPolicy(url, (address) => fetch(address)).then(
        (found) => live && setPolicy(found),
        () => live && setPolicy(undefined),
      );
    }, 300);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [relay]);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setError(undefined);
    const displayName = name.trim();
    if (displayName === '') return setError('Enter the name your contacts will see');
    if (needsPassphrase && passphrase.length < MIN_PASSPHRASE)
      return setError(`Choose a passphrase of at least ${MIN_PASSPHRASE} characters`);
    if (needsPassphrase && passphrase !== again) return setError('The two passphrases differ');
    let session: Session | undefined;
    setBusy(true);
    try {
      const relayUrl = normaliseRelayUrl(relay);
      relayAccessOptions(policy ?? 'open', credential);
      const profile: Profile = {
        displayName,
        relayUrl,
        createdAt: Date.now(),
        ...(avatar === undefined ? {} : { avatar }),
        ...(username.trim() === '' ? {} : { username: username.trim() }),
      };
      if (await allowRelayInShell(relayUrl)) {
        // Desktop: the CSP admits the relay from the next load; the unlock screen then starts the client.
        saveProfile(localStorage, profile);
        location.reload();
        return;
      }
      session = await startSession(profile, keyWrapperFor(keys, passphrase));
      await whenConnected(session.client);
      if (profile.username !== undefined) await session.client.setUsername(profile.username);
      saveProfile(localStorage, profile);
      onReady(session);
    } catch (failure) {
      if (session !== undefined) await closeSession(session);
      setError(describeError(failure));
      setBusy(false);
    }
  }

  return (
    <main className="onboarding">
      <form className="onboarding-card" onSubmit={(event) => void submit(event)} noValidate>
        <h1>Welcome to Parley</h1>
        <p className="hint">
          Private messages, end-to-end encrypted, straight to your contacts when they are online.
        </p>

        <div className="avatar-picker">
          <Avatar name={name || '?'} seed={name} image={avatar} size={72} />
          <label className="button button-secondary">
            Choose a picture
            <input
              type="file"
              accept="image/*"
              className="visually-hidden"
              aria-label="Profile picture"
              onChange={(event) => {
                const file = event.target.files?.[0];
                if (file !== undefined)
                  downscaleAvatar(file).then(setAvatar, (failure: unknown) =>
                    setError(describeError(failure)),
                  );
              }}
            />
          </label>
        </div>

        <label htmlFor={ids.name}>Your name</label>
        <input
          id={ids.name}
          value={name}
          maxLength={64}
          autoComplete="nickname"
          onChange={(event) => setName(event.target.value)}
          required
        />

        <label htmlFor={ids.relay}>Relay address</label>
        <input
          id={ids.relay}
          value={relay}
          inputMode="url"
          placeholder="https://relay.example"
          onChange={(event) => setRelay(event.target.value)}
          required
        />

        {policy !== undefined && policy !== 'open' && (
          <>
            <label htmlFor={ids.access}>{policy === 'invite' ? 'Invite token' : 'One-time code'}</label>
            <input
              id={ids.access}
              value={credential}
              autoComplete="one-time-code"
              onChange={(event) => setCredential(event.target.value)}
            />
          </>
        )}

        <label htmlFor={ids.user}>Username (optional, lets people find you on this relay)</label>
        <input
          id={ids.user}
          value={username}
          maxLength={32}
          autoComplete="username"
          onChange={(event) => setUsername(event.target.value)}
        />

        {needsPassphrase && (
          <>
            <p className="hint">
              {keys.reason ?? 'Your passphrase protects your keys on this device. It cannot be recovered.'}
            </p>
            <label htmlFor={ids.pass}>Passphrase</label>
            <input
              id={ids.pass}
              type="password"
              value={passphrase}
              autoComplete="new-password"
              onChange={(event) => setPassphrase(event.target.value)}
              required
            />
            <label htmlFor={ids.again}>Repeat passphrase</label>
            <input
              id={ids.again}
              type="password"
              value={again}
              autoComplete="new-password"
              onChange={(event) => setAgain(event.target.value)}
              required
            />
          </>
        )}

        {error !== undefined && (
          <p role="alert" className="form-error">
            {error}
          </p>
        )}
        <Button type="submit" disabled={busy}>
          {busy ? 'Creating your identity…' : 'Create my identity'}
        </Button>
      </form>
    </main>
  );
}
