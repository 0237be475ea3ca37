import QRCode from 'qrcode';
import { useEffect, useState } from 'react';
import type { LinkJoin, LinkOffer, LinkPhase } from '@parley/core';
import { useAsync, useClient } from '../../app/client-context.js';
import type { SurfaceProps } from '../../app/extensions.js';
import { Button } from '../../ui/Button.js';
import { errorText } from '../../ui/error-text.js';
import { percent, phaseText } from './link-progress.js';
import './devices.css';

interface AttemptView {
  phase: LinkPhase;
  code?: string;
  progress?: { messages: number; total: number };
  error?: string;
}

/** Follows one link attempt's events into a view model; unsubscribes when the attempt changes. */
function useAttempt(attempt: LinkOffer | LinkJoin | undefined): AttemptView | undefined {
  const [view, setView] = useState<AttemptView | undefined>();
  useEffect(() => {
    if (attempt === undefined) return undefined;
    setView({ phase: attempt.phase });
    const offs = [
      attempt.on('phase', (phase) => setView((current) => ({ ...current, phase }))),
      attempt.on('code', ({ shortCode }) =>
        setView((current) => ({ ...(current ?? { phase: 'comparing' }), code: shortCode })),
      ),
      attempt.on('progress', (progress) =>
        setView((current) => ({ ...(current ?? { phase: 'transferring' }), progress })),
      ),
      attempt.on('error', (error) =>
        setView((current) => ({ ...(current ?? { phase: 'failed' }), error: errorText(error) })),
      ),
    ];
    return () => offs.forEach((off) => off());
  }, [attempt]);
  return view;
}

function AttemptStatus({ view, side }: { view: AttemptView; side: 'existing' | 'new' }) {
  return (
    <div className="link-attempt">
      <p role="status">{phaseText(view.phase, side)}</p>
      {view.code !== undefined && (
        <p className="short-code" aria-label="Short code">
          {view.code}
        </p>
      )}
      {view.progress !== undefined && (
        <label className="history-progress">
          History: {view.progress.messages} of {view.progress.total} messages
          <progress
            aria-label="History transfer"
            max={100}
            value={percent(view.progress.messages, view.progress.total)}
          />
        </label>
      )}
      {view.error !== undefined && <p role="alert">{view.error}</p>}
    </div>
  );
}

/** The existing device's side: the one-time payload as a QR code and text, the code, confirm or decline. */
function LinkNewDevice({ onLinked }: { onLinked: () => void }) {
  const client = useClient();
  const [offer, setOffer] = useState<LinkOffer | undefined>();
  const [qr, setQr] = useState<string | undefined>();
  const [copied, setCopied] = useState(false);
  const view = useAttempt(offer);
  useEffect(() => {
    if (offer === undefined) return undefined;
    let live = true;
    QRCode.toDataURL(offer.text, { errorCorrectionLevel: 'M', margin: 2, width: 256 }).then(
      (url) => live && setQr(url),
      () => undefined,
    );
    const off = offer.on('linked', () => onLinked());
    return () => {
      live = false;
      off();
      offer.close();
    };
  }, [offer, onLinked]);
  if (offer === undefined) {
    return <Button onClick={() => setOffer(client.linking.offer())}>Link a new device</Button>;
  }
  return (
    <div className="link-new-device">
      {view?.phase === 'waiting' && (
        <>
          {qr !== undefined && (
            <img className="qr" src={qr} width={256} height={256} alt="QR code to link a new device" />
          )}
          <label htmlFor="link-payload">Or paste this on the new device (good for 10 minutes, once)</label>
          <textarea
            id="link-payload"
            readOnly
            rows={4}
            value={offer.text}
            onFocus={(event) => event.target.select()}
          />
          <Button
            variant="secondary"
            onClick={() =>
              void navigator.clipboard?.writeText(offer.text).then(
                () => setCopied(true),
                () => setCopied(false),
              )
            }
          >
            {copied ? 'Copied' : 'Copy link'}
          </Button>
        </>
      )}
      {view !== undefined && <AttemptStatus view={view} side="existing" />}
      {view?.phase === 'comparing' && (
        <div className="link-actions">
          <Button onClick={() => void offer.confirm().catch(() => undefined)}>Codes match — link</Button>
          <Button variant="danger" onClick={() => offer.decline()}>
            Codes differ
          </Button>
        </div>
      )}
      {(view?.phase === 'done' || view?.phase === 'failed' || view?.phase === 'declined') && (
        <Button variant="secondary" onClick={() => setOffer(undefined)}>
          Close
        </Button>
      )}
    </div>
  );
}

/** The new device's side: paste the payload shown on the other device, compare the code, receive the history. */
function LinkToExistingAccount() {
  const client = useClient();
  const [text, setText] = useState('');
  const [join, setJoin] = useState<LinkJoin | undefined>();
  const [error, setError] = useState<string | undefined>();
  const view = useAttempt(join);
  useEffect(() => () => join?.close(), [join]);
  if (join !== undefined && view !== undefined) return <AttemptStatus view={view} side="new" />;
  return (
    <form
      className="link-existing"
      onSubmit={(event) => {
        event.preventDefault();
        setError(undefined);
        client.linking.join(text).then(setJoin, (failure: unknown) => setError(errorText(failure)));
      }}
    >
      <label htmlFor="link-existing-payload">Link payload from your other device</label>
      <textarea
        id="link-existing-payload"
        rows={3}
        value={text}
        placeholder="parley://link?…"
        onChange={(event) => setText(event.target.value)}
      />
      <Button type="submit" disabled={text.trim() === ''}>
        Link to an existing account
      </Button>
      {error !== undefined && <p role="alert">{error}</p>}
    </form>
  );
}

export function LinkedDevicesPanel(_props: SurfaceProps) {
  const client = useClient();
  const [version, setVersion] = useState(0);
  const { value: devices } = useAsync(() => client.devices.list(), [client, version]);
  return (
    <div className="linked-devices">
      <section aria-label="This account's devices">
        <h3>Devices</h3>
        <ul>
          {(devices ?? []).map((device) => (
            <li key={device.deviceId}>
              {device.deviceId === 1 ? 'Primary device' : `Device ${device.deviceId}`}
              {device.current ? ' (this one)' : ''}
              {device.addedAt > 0 ? ` · linked ${new Date(device.addedAt).toLocaleDateString()}` : ''}
            </li>
          ))}
        </ul>
      </section>
      <section aria-label="Link a new device">
        <h3>Link a new device</h3>
        <LinkNewDevice onLinked={() => setVersion((n) => n + 1)} />
      </section>
      <section aria-label="Link to an existing account">
        <h3>Use this device with another account</h3>
        <LinkToExistingAccount />
      </section>
    </div>
  );
}
