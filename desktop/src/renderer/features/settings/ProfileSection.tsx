import { useId, useState, type FormEvent } from 'react';
import { MAX_DISPLAY_NAME_LENGTH } from '@parley/core';
import { useClient, useSession } from '../../app/client-context.js';
import { saveProfile } from '../../app/profile.js';
import { Avatar, personSeed } from '../../ui/Avatar.js';
import { Button } from '../../ui/Button.js';
import { bytesToDataUrl, dataUrlToBytes } from '../onboarding/avatar-bytes.js';
import { ProfilePictureButton } from '../onboarding/ProfilePictureButton.js';
import { describeError } from '../onboarding/errors.js';
import { SettingsSection } from './settings-rows.js';

/** Name and picture contacts see (sent end-to-end encrypted to each of them by client.setProfile). */
export function ProfileSection() {
  const client = useClient();
  const session = useSession();
  const nameId = useId();
  const current = client.profile.current;
  const [name, setName] = useState(current?.displayName ?? client.profile.displayName);
  const [avatar, setAvatar] = useState<string | undefined>(
    current?.avatar !== undefined ? bytesToDataUrl(current.avatar) : session.profile.avatar,
  );
  const [status, setStatus] = useState<{ error: boolean; text: string } | undefined>();
  const [busy, setBusy] = useState(false);

  async function save(event: FormEvent) {
    event.preventDefault();
    setStatus(undefined);
    setBusy(true);
    try {
      const displayName = name.trim();
      await client.profile.set({
        displayName,
        ...(avatar === undefined ? {} : { avatar: dataUrlToBytes(avatar) }),
      });
      const { avatar: _previous, ...rest } = session.profile;
      saveProfile(localStorage, { ...rest, displayName, ...(avatar === undefined ? {} : { avatar }) });
      session.live.localChange();
      setStatus({ error: false, text: 'Profile saved and sent to your contacts' });
    } catch (failure) {
      setStatus({ error: true, text: describeError(failure) });
    } finally {
      setBusy(false);
    }
  }

  return (
    <SettingsSection title="Profile">
      <form className="settings-profile" onSubmit={(event) => void save(event)}>
        <div className="settings-avatar">
          <Avatar name={name || '?'} seed={personSeed(client.account)} image={avatar} size={96} />
          <ProfilePictureButton
            label="Change picture"
            onPick={setAvatar}
            onError={(failure) => setStatus({ error: true, text: describeError(failure) })}
          />
        </div>
        <label htmlFor={nameId}>Your name</label>
        <input
          id={nameId}
          value={name}
          maxLength={MAX_DISPLAY_NAME_LENGTH}
          onChange={(event) => setName(event.target.value)}
        />
        {status !== undefined && (
          <p role={status.error ? 'alert' : 'status'} className={status.error ? 'form-error' : 'hint'}>
            {status.text}
          </p>
        )}
        <Button type="submit" disabled={busy}>
          Save profile
        </Button>
      </form>
    </SettingsSection>
  );
}
