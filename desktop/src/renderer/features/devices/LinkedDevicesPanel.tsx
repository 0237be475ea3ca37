import QRCode from 'qrcode';
import { useEffect, useRef, useState } from 'react';
import type { LinkOffer } from '@parley/core';
import { useAsync, useClient } from '../../app/client-context.js';
import type { SurfaceProps } from '../../app/extensions.js';
import { useNavigation } from '../../app/navigation.js';
import { Button } from '../../ui/Button.js';
import { AttemptStatus, useAttempt } from './LinkAttempt.js';
import { deviceName } from './link-progress.js';
import './devices.css';

/** The existing device's side: the one-time payload as a QR code and text, the code, confirm or decline. */
function LinkNewDevice({ onLinked }: { onLinked: () => void }) {
  const client = useClient();
  const [offer, setOffer] = useState<LinkOffer | undefined>();
  const [qr, setQr] = useState<string | undefined>();
  const [copied, setCopied] = useState(false);
  const view = useAttempt(offer);
  // The panel re-renders when the list changes (which linking does): that must not close the offer mid-way.
  const linked = useRef(onLinked);
  linked.current = onLinked;
  useEffect(() => {
    if (offer === undefined) return undefined;
    let live = true;
    QRCode.toDataURL(offer.text, { errorCorrectionLevel: 'M', margin: 2, width: 256 }).then(
      (url) => live && setQr(url),
      () => undefined,
    );
    const off = offer.on('linked', () => linked.current());
    return () => {
      live = false;
      off();
      offer.close();
    };
  }, [offer]);
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

/**
 * Settings → Linked devices: this account's devices (each linked one with "Unlink" on the primary, which
 * signs the list) and "Link a new device". A new device links from the onboarding screen instead.
 */
export function LinkedDevicesPanel(_props: SurfaceProps) {
  const client = useClient();
  const { openDialog } = useNavigation();
  const [version, setVersion] = useState(0);
  // An unlink (confirmed in its dialog) or a link made elsewhere changes the list: follow it.
  useEffect(
    () =>
      client.on('devices', ({ account }) => {
        if (account === client.account) setVersion((n) => n + 1);
      }),
    [client],
  );
  const { value: devices } = useAsync(() => client.devices.list(), [client, version]);
  return (
    <div className="linked-devices">
      <section aria-label="This account's devices">
        <h3>Devices</h3>
        <ul>
          {(devices ?? []).map((device) => (
            <li key={device.deviceId}>
              <span>
                {deviceName(device.deviceId)}
                {device.current ? ' (this one)' : ''}
                {device.addedAt > 0 ? ` · linked ${new Date(device.addedAt).toLocaleDateString()}` : ''}
              </span>
              {client.devices.isPrimary && !device.current && (
                <Button
                  variant="secondary"
                  aria-label={`Unlink ${deviceName(device.deviceId)}`}
                  onClick={() => openDialog('unlink-device', { deviceId: String(device.deviceId) })}
                >
                  Unlink
                </Button>
              )}
            </li>
          ))}
        </ul>
      </section>
      {client.devices.isPrimary && (
        <section aria-label="Link a new device">
          <h3>Link a new device</h3>
          <LinkNewDevice onLinked={() => setVersion((n) => n + 1)} />
        </section>
      )}
    </div>
  );
}
