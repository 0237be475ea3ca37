import { useId, useState, type FormEvent } from 'react';
import { useClient, useSession } from '../../app/client-context.js';
import { useContacts } from '../../app/data/use-conversations.js';
import type { SurfaceProps } from '../../app/extensions.js';
import { Button } from '../../ui/Button.js';
import { describeError } from '../onboarding/errors.js';
import { statusImageBytes, useFileUrl } from './status-image.dom.js';
import { DEFAULT_BACKGROUND, STATUS_BACKGROUNDS } from './status-rings.js';
import { FormError } from '../../ui/FormError.js';
import './status.css';

type Kind = 'text' | 'image';

/** Posts a 24-hour status: text on a colour, or an image with a caption, to all contacts or the ones chosen. */
export function StatusComposerDialog({ close }: SurfaceProps) {
  const client = useClient();
  const { live } = useSession();
  const contacts = [...useContacts().values()].filter((contact) => !contact.blocked);
  const [kind, setKind] = useState<Kind>('text');
  const [text, setText] = useState('');
  const [background, setBackground] = useState<string>(DEFAULT_BACKGROUND);
  const [file, setFile] = useState<File | undefined>();
  const [excluded, setExcluded] = useState<ReadonlySet<string>>(new Set());
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const preview = useFileUrl(file);
  const textId = useId();
  const captionId = useId();
  const fileId = useId();

  async function submit(event: FormEvent) {
    event.preventDefault();
    const trimmed = text.trim();
    if (kind === 'text' && trimmed === '') return setError('Type something for your status');
    if (kind === 'image' && file === undefined) return setError('Choose an image for your status');
    setBusy(true);
    setError(undefined);
    try {
      const to = contacts.map((contact) => contact.account).filter((account) => !excluded.has(account));
      if (kind === 'text') {
        await client.status.post({ text: trimmed, background, to });
      } else if (file !== undefined) {
        const image = await statusImageBytes(file);
        await client.status.post({ image, ...(trimmed === '' ? {} : { text: trimmed }), to });
      }
      live.localChange();
      close();
    } catch (failure) {
      setError(describeError(failure));
      setBusy(false);
    }
  }

  const toggle = (account: string) => {
    const next = new Set(excluded);
    if (next.has(account)) next.delete(account);
    else next.add(account);
    setExcluded(next);
  };

  return (
    <form className="status-composer" onSubmit={(event) => void submit(event)}>
      <div className="status-kind" role="group" aria-label="Kind of status">
        <button type="button" aria-pressed={kind === 'text'} onClick={() => setKind('text')}>
          Text
        </button>
        <button type="button" aria-pressed={kind === 'image'} onClick={() => setKind('image')}>
          Image
        </button>
      </div>

      {kind === 'text' ? (
        <>
          <div className="status-text status-text-preview" style={{ backgroundColor: background }}>
            <label htmlFor={textId} className="visually-hidden">
              Status text
            </label>
            <textarea
              id={textId}
              rows={4}
              maxLength={700}
              value={text}
              placeholder="Type a status"
              onChange={(event) => setText(event.target.value)}
            />
          </div>
          <fieldset className="status-colours">
            <legend>Background colour</legend>
            {STATUS_BACKGROUNDS.map((entry) => (
              <input
                key={entry.colour}
                type="radio"
                name="status-background"
                aria-label={entry.name}
                title={entry.name}
                checked={background === entry.colour}
                style={{ backgroundColor: entry.colour }}
                onChange={() => setBackground(entry.colour)}
              />
            ))}
          </fieldset>
        </>
      ) : (
        <>
          <label htmlFor={fileId}>Image</label>
          <input
            id={fileId}
            type="file"
            accept="image/*"
            onChange={(event) => setFile(event.target.files?.[0])}
          />
          {preview !== undefined && <img className="status-image-preview" src={preview} alt="Chosen image" />}
          <label htmlFor={captionId}>Caption</label>
          <input
            id={captionId}
            type="text"
            maxLength={700}
            value={text}
            placeholder="Add a caption"
            onChange={(event) => setText(event.target.value)}
          />
        </>
      )}

      <fieldset className="status-audience">
        <legend>Who can see it</legend>
        {contacts.length === 0 ? (
          <p className="status-hint">No contacts yet: only you will see this status.</p>
        ) : (
          <>
            <label>
              <input
                type="checkbox"
                checked={excluded.size === 0}
                onChange={() =>
                  setExcluded(excluded.size === 0 ? new Set(contacts.map((c) => c.account)) : new Set())
                }
              />
              All contacts
            </label>
            <ul>
              {contacts.map((contact) => (
                <li key={contact.account}>
                  <label>
                    <input
                      type="checkbox"
                      checked={!excluded.has(contact.account)}
                      onChange={() => toggle(contact.account)}
                    />
                    {contact.displayName}
                  </label>
                </li>
              ))}
            </ul>
          </>
        )}
      </fieldset>

      <FormError message={error} />
      <Button type="submit" disabled={busy}>
        {busy ? 'Posting…' : 'Post status'}
      </Button>
    </form>
  );
}
