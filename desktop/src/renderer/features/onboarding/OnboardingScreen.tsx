import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { saveProfile, normaliseRelayUrl, type Profile } from '../../app/profile.js';
import {
  fetchRelayPolicy,
  relayAccessOptions,
  type AccessInput,
  type RelayPolicy,
} from '../../app/relay-access.js';
import { closeSession, startSession, whenConnected, type Session } from '../../app/session-loader.js';
import { defaultRelayUrl, windowFetch } from '../../platform/window-fetch.dom.js';
import { allowRelayInShell } from '../../platform/desktop-shell.dom.js';
import { keyWrapperFor, type KeySource } from '../../platform/key-source.dom.js';
import { Avatar } from '../../ui/Avatar.js';
import { Button } from '../../ui/Button.js';
import { dataUrlToBytes } from './avatar-bytes.js';
import { ProfilePictureButton } from './ProfilePictureButton.js';
import { describeError } from './errors.js';
import { RelayAccessFields } from './RelayAccessFields.js';
import { LinkDeviceForm } from './LinkDeviceForm.js';
import { NewPassphraseFields, newPassphraseProblem, type NewPassphrase } from './NewPassphraseFields.js';
import { RestoreBackupForm } from './RestoreBackupForm.js';
import { FormError } from '../../ui/FormError.js';
import './onboarding.css';

/**
 * Creates the identity: name, picture, relay (and what its access policy asks: an invite or a one-time code),
 * passphrase for the keys at rest. Or restores one from a backup exported on another device, or links this
 * device to an account already used on another (LinkDeviceForm).
 */
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
    user: useId(),
  };
  const [name, setName] = useState('');
  const [avatar, setAvatar] = useState<string | undefined>();
  const [relay, setRelay] = useState(() => defaultRelayUrl(location));
  const [policy, setPolicy] = useState<RelayPolicy | undefined>();
  const [access, setAccess] = useState<AccessInput>({ invite: '', otpAddress: '', code: '' });
  /** The other ways in than a new identity: a backup, or linking to an account on another device. */
  const [path, setPath] = useState<'create' | 'restore' | 'link'>('create');
  /** A client the relay refused (wrong invite or code): the next attempt shows it another credential. */
  const refused = useRef<Session | undefined>(undefined);
  const [username, setUsername] = useState('');
  const [secret, setSecret] = useState<NewPassphrase>({ passphrase: '', again: '' });
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    let live = true;
    const timer = setTimeout(() => {
      let url: string;
      try {
        url = normaliseRelayUrl(relay);
      } catch {
        return setPolicy(undefined);
      }
      fetchRelayPolicy(url, windowFetch).then(
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
    const problem = newPassphraseProblem(keys, secret);
    if (problem !== undefined) return setError(problem);
    let session: Session | undefined = refused.current;
    setBusy(true);
    try {
      const relayUrl = normaliseRelayUrl(relay);
      const { access: credential } = relayAccessOptions(policy ?? 'open', access);
      const profile: Profile = {
        displayName,
        relayUrl,
        createdAt: Date.now(),
        ...(avatar === undefined ? {} : { avatar }),
        ...(username.trim() === '' ? {} : { username: username.trim() }),
      };
      if (session === undefined && (await allowRelayInShell(relayUrl))) {
        // Desktop: the CSP admits the relay from the next load; the unlock screen then starts the client.
        saveProfile(localStorage, profile);
        location.reload();
        return;
      }
      if (session === undefined) {
        session = await startSession(profile, await keyWrapperFor(keys, secret.passphrase), credential);
      } else if (credential !== undefined) {
        session.client.access.set(credential);
      }
      await whenConnected(session.client);
      refused.current = undefined;
      await session.client.profile.set({
        displayName,
        ...(avatar === undefined ? {} : { avatar: dataUrlToBytes(avatar) }),
      });
      if (profile.username !== undefined) await session.client.profile.setUsername(profile.username);
      saveProfile(localStorage, profile);
      onReady({ ...session, profile });
    } catch (failure) {
      // Core is loaded by now: the session that failed came from it.
      if (session !== undefined && (await import('@parley/core')).isAccessError(failure)) {
        // The identity exists on this device; keep it and present another credential on the next try.
        refused.current = session;
      } else if (session !== undefined) {
        refused.current = undefined;
        await closeSession(session);
      }
      setError(describeError(failure));
      setBusy(false);
    }
  }

  if (path === 'restore')
    return (
      <main className="onboarding">
        <RestoreBackupForm keys={keys} relay={relay} onReady={onReady} onCancel={() => setPath('create')} />
      </main>
    );
  if (path === 'link')
    return (
      <main className="onboarding">
        <LinkDeviceForm keys={keys} onReady={onReady} onCancel={() => setPath('create')} />
      </main>
    );

  return (
    <main className="onboarding">
      <form className="onboarding-card" onSubmit={(event) => void submit(event)} noValidate>
        <h1>Welcome to Parley</h1>
        <p className="hint">
          Private messages, end-to-end encrypted, straight to your contacts when they are online.
        </p>
        <p className="onboarding-linked">
          Already use Parley on another computer or browser?{' '}
          <button
            type="button"
            className="link-button"
            disabled={busy || refused.current !== undefined}
            onClick={() => setPath('link')}
          >
            Link to an existing account
          </button>
        </p>

        <div className="avatar-picker">
          <Avatar name={name || '?'} seed={name} image={avatar} size={72} />
          <ProfilePictureButton
            label="Choose a picture"
            onPick={setAvatar}
            onError={(failure) => setError(describeError(failure))}
          />
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

        {policy !== undefined && (
          <RelayAccessFields policy={policy} relayUrl={relay} value={access} onChange={setAccess} />
        )}

        <label htmlFor={ids.user}>Username (optional, lets people find you on this relay)</label>
        <input
          id={ids.user}
          value={username}
          maxLength={32}
          autoComplete="username"
          onChange={(event) => setUsername(event.target.value)}
        />

        <NewPassphraseFields keys={keys} value={secret} onChange={setSecret} />

        <FormError message={error} />
        <Button type="submit" disabled={busy}>
          {busy ? 'Creating your identity…' : 'Create my identity'}
        </Button>
        <button
          type="button"
          className="link-button onboarding-switch"
          disabled={busy || refused.current !== undefined}
          onClick={() => setPath('restore')}
        >
          Restore from backup
        </button>
      </form>
    </main>
  );
}
