import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import type { LinkJoin } from '@parley/core';
import { normaliseRelayUrl, saveProfile, type Profile } from '../../app/profile.js';
import type { Session } from '../../app/session-loader.js';
import { allowRelayInShell } from '../../platform/desktop-shell.dom.js';
import { keyWrapperFor, type KeySource } from '../../platform/key-source.dom.js';
import { Button } from '../../ui/Button.js';
import { readQrBytes } from '../contact-info/scan-qr.dom.js';
import { AttemptStatus, useAttempt } from '../devices/LinkAttempt.js';
import { linkErrorText, payloadErrorText } from '../devices/link-progress.js';
import { describeError } from './errors.js';
import { adoptJoined, forgetJoining, joinFinished, startJoining } from './link-device.js';
import { NewPassphraseFields, newPassphraseProblem, type NewPassphrase } from './NewPassphraseFields.js';
import { FormError } from '../../ui/FormError.js';

/** Desktop: a payload pasted before the reload that lets the relay into the CSP, offered again after it. */
const PENDING_LINK = 'parley.pending-link';

/**
 * "Link to an existing account": the `parley://link` payload your other device shows (pasted, or read from
 * a picture of its QR code), a passphrase for the keys on this device; then the short code both screens
 * show, the history's progress, and the chat list as that account.
 */
export function LinkDeviceForm({
  keys,
  onReady,
  onCancel,
}: {
  keys: KeySource;
  onReady: (session: Session) => void;
  onCancel: () => void;
}) {
  const payloadId = useId();
  const [text, setText] = useState(() => sessionStorage.getItem(PENDING_LINK) ?? '');
  const [secret, setSecret] = useState<NewPassphrase>({ passphrase: '', again: '' });
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const [join, setJoin] = useState<LinkJoin | undefined>();
  const [opening, setOpening] = useState(false);
  const view = useAttempt(join);
  const pictureInput = useRef<HTMLInputElement>(null);
  useEffect(() => () => join?.close(), [join]);

  async function scan(file: File) {
    setError(undefined);
    try {
      setText(new TextDecoder().decode(await readQrBytes(file)));
    } catch (failure) {
      setError(describeError(failure));
    }
  }

  async function link(event: FormEvent) {
    event.preventDefault();
    setError(undefined);
    if (text.trim() === '')
      return setError('Paste the link your other device shows, or pick a picture of its code');
    const problem = newPassphraseProblem(keys, secret);
    if (problem !== undefined) return setError(problem);
    const { parseLinkPayload } = await import('@parley/core');
    let relayUrl: string;
    try {
      relayUrl = normaliseRelayUrl(parseLinkPayload(text, Date.now()).relay);
    } catch (failure) {
      return setError(payloadErrorText(failure));
    }
    setBusy(true);
    let session: Session | undefined;
    // A failure before the handshake is this device's or the relay's; after it, the link's.
    let describe = describeError;
    try {
      if (await allowRelayInShell(relayUrl)) {
        // Desktop: the CSP admits the relay from the next load; the same link waits in the form.
        sessionStorage.setItem(PENDING_LINK, text);
        location.reload();
        return;
      }
      sessionStorage.removeItem(PENDING_LINK);
      const profile: Profile = { displayName: '', relayUrl, createdAt: Date.now() };
      const keyWrapper = await keyWrapperFor(keys, secret.passphrase);
      session = await startJoining(profile, keyWrapper);
      describe = linkErrorText;
      const attempt = await session.client.linking.join(text);
      setJoin(attempt);
      const displayName = (await joinFinished(attempt)) ?? '';
      setOpening(true);
      const joined = session;
      session = undefined;
      const named: Profile = { ...profile, displayName };
      const adopted = await adoptJoined(joined, named, keyWrapper);
      saveProfile(localStorage, named);
      onReady({ ...adopted, profile: named });
    } catch (failure) {
      if (session !== undefined) await forgetJoining(session);
      setJoin(undefined);
      setOpening(false);
      setError(describe(failure));
      setBusy(false);
    }
  }

  if (join !== undefined && view !== undefined)
    return (
      <div className="onboarding-card" aria-label="Linking this device">
        <h1>Link to an existing account</h1>
        <AttemptStatus view={view} side="new" />
        {opening && <p role="status">Opening your chats…</p>}
      </div>
    );

  return (
    <form className="onboarding-card" onSubmit={(event) => void link(event)} noValidate>
      <h1>Link to an existing account</h1>
      <p className="hint">
        On your other device, open Settings → Linked devices → Link a new device. Paste the link it shows
        here, or pick a picture of its QR code.
      </p>
      <label htmlFor={payloadId}>Link from your other device</label>
      <textarea
        id={payloadId}
        rows={4}
        value={text}
        placeholder="parley://link?…"
        onChange={(event) => setText(event.target.value)}
      />
      <Button variant="secondary" onClick={() => pictureInput.current?.click()}>
        Pick a picture of the QR code
      </Button>
      <input
        ref={pictureInput}
        type="file"
        accept="image/*"
        className="visually-hidden"
        aria-label="Picture of the QR code"
        tabIndex={-1}
        onChange={(event) => {
          const file = event.target.files?.[0];
          if (file !== undefined) void scan(file);
        }}
      />
      <NewPassphraseFields keys={keys} value={secret} onChange={setSecret} />
      <FormError message={error} />
      <Button type="submit" disabled={busy}>
        {busy ? 'Linking…' : 'Link this device'}
      </Button>
      <button type="button" className="link-button onboarding-switch" disabled={busy} onClick={onCancel}>
        Create a new identity instead
      </button>
    </form>
  );
}
