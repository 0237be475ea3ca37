import QRCode from 'qrcode';
import { useEffect, useId, useState, type ChangeEvent } from 'react';
import { useAsync, useClient, useSession } from '../../app/client-context.js';
import { useContacts } from '../../app/data/use-conversations.js';
import type { SurfaceProps } from '../../app/extensions.js';
import { Avatar } from '../../ui/Avatar.js';
import { describeError } from '../onboarding/errors.js';
import { readQrBytes } from './scan-qr.dom.js';
import { safetyNumberBlocks, verificationLine } from './safety-number.js';
import { useVerification } from './use-verification.js';
import '../../ui/switch.css';
import './contact-info.css';

/** Who this contact is, the safety number to compare with them (digits and QR), and marking them verified. */
export function ContactInfoPanel({ params }: SurfaceProps) {
  const account = params['account'] ?? '';
  const client = useClient();
  const { live } = useSession();
  const contact = useContacts().get(account);
  const name = contact?.displayName ?? `${account.slice(0, 8)}…`;
  const state = useVerification(account);
  const { value: number, error } = useAsync(
    () => client.contacts.safetyNumber(account),
    [client, account, state],
  );
  const qr = useSafetyQr(number?.qrPayload);
  const [busy, setBusy] = useState(false);
  const [note, setNote] = useState<{ kind: 'ok' | 'error'; text: string } | undefined>();
  const switchId = useId();
  const scanId = useId();

  async function setVerified(verified: boolean) {
    setBusy(true);
    setNote(undefined);
    try {
      await client.contacts.setVerified(account, verified);
      live.localChange();
    } catch (failure) {
      setNote({ kind: 'error', text: describeError(failure) });
    } finally {
      setBusy(false);
    }
  }

  async function scan(event: ChangeEvent<HTMLInputElement>) {
    const file = event.target.files?.[0];
    event.target.value = '';
    if (file === undefined) return;
    setBusy(true);
    setNote(undefined);
    try {
      const scanned = await readQrBytes(file);
      if (await client.contacts.matchesSafetyQr(account, scanned)) {
        await client.contacts.setVerified(account, true);
        live.localChange();
        setNote({ kind: 'ok', text: `The codes match: ${name} is verified.` });
      } else {
        setNote({
          kind: 'error',
          text: `That code does not match your safety number with ${name}. Make sure it is their code for you.`,
        });
      }
    } catch (failure) {
      setNote({ kind: 'error', text: describeError(failure) });
    } finally {
      setBusy(false);
    }
  }

  const blocks = number === undefined ? undefined : safetyNumberBlocks(number.digits);
  return (
    <div className="contact-info">
      <div className="contact-info-who">
        <Avatar name={name} seed={client.conversations.direct(account)} size={96} />
        <h3>{name}</h3>
        {state === 'verified' && (
          <p className="contact-info-verified" role="status">
            Verified
          </p>
        )}
      </div>

      <dl className="contact-info-facts">
        <dt>Identity</dt>
        <dd className="contact-info-identity">{account}</dd>
        <dt>Relay</dt>
        <dd>{client.contacts.relayOf(account)}</dd>
      </dl>

      <section className="contact-info-safety" aria-labelledby={`${switchId}-heading`}>
        <h4 id={`${switchId}-heading`}>Safety number</h4>
        {error !== undefined && (
          <p role="alert" className="form-error">
            {describeError(error)}
          </p>
        )}
        {qr !== undefined && (
          <img
            className="safety-qr"
            src={qr}
            width={200}
            height={200}
            alt={`QR code of your safety number with ${name}`}
          />
        )}
        {blocks !== undefined && (
          <ol className="safety-digits" aria-label="Safety number">
            {blocks.map((block, index) => (
              <li key={index}>{block}</li>
            ))}
          </ol>
        )}
        <p className="contact-info-hint">{verificationLine(state, name)}</p>
        <div className="verify-row">
          <label htmlFor={switchId}>Mark as verified</label>
          <input
            id={switchId}
            type="checkbox"
            role="switch"
            className="switch"
            checked={state === 'verified'}
            disabled={busy || state === undefined || number === undefined}
            onChange={(event) => void setVerified(event.target.checked)}
          />
        </div>
        <label htmlFor={scanId} className="button button-secondary scan-button">
          Scan code
        </label>
        <input
          id={scanId}
          className="visually-hidden"
          type="file"
          accept="image/*"
          disabled={busy}
          onChange={(event) => void scan(event)}
        />
        {note !== undefined && (
          <p role={note.kind === 'error' ? 'alert' : 'status'} className={`scan-note scan-note-${note.kind}`}>
            {note.text}
          </p>
        )}
      </section>
    </div>
  );
}

function useSafetyQr(payload: Uint8Array | undefined): string | undefined {
  const [url, setUrl] = useState<string | undefined>();
  useEffect(() => {
    if (payload === undefined) return;
    let live = true;
    QRCode.toDataURL([{ data: payload, mode: 'byte' }], {
      errorCorrectionLevel: 'M',
      margin: 2,
      width: 200,
    }).then(
      (made) => live && setUrl(made),
      () => live && setUrl(undefined),
    );
    return () => {
      live = false;
    };
  }, [payload]);
  return url;
}
