import { useEffect, useId, useState } from 'react';
import { createPortal } from 'react-dom';
import { useClient } from '../../app/client-context.js';
import { clearProfile, deleteClientDatabase } from '../../app/profile.js';
import { Button } from '../../ui/Button.js';
import './devices.css';

/**
 * On a linked device: once the account's signed list no longer names it (the primary unlinked it, and told
 * it, or it finds out when it starts), the whole window says so and the client closes: it receives nothing
 * new. What is left is to remove the account's data from it.
 */
export function UnlinkedNotice() {
  const client = useClient();
  const titleId = useId();
  const [unlinked, setUnlinked] = useState(false);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    if (client.devices.isPrimary) return undefined;
    let live = true;
    const self = client.address.deviceId;
    // Subscribed before the list is fetched: a removal found by that fetch arrives as this event too.
    const off = client.on('devices', ({ account, removed }) => {
      if (account === client.account && removed.includes(self)) setUnlinked(true);
    });
    client.devices.list().then(
      (devices) => live && !devices.some((device) => device.current) && setUnlinked(true),
      () => undefined, // offline: the hint or the next start tells
    );
    return () => {
      live = false;
      off();
    };
  }, [client]);

  // Contacts may still send to it until their copy of the list expires (deviceListTtlMs): it stops
  // listening, so nothing sent after the unlink shows here.
  useEffect(() => {
    if (unlinked) void client.close().catch(() => undefined);
  }, [client, unlinked]);

  if (!unlinked) return null;
  return createPortal(
    <div
      className="unlinked-screen onboarding"
      role="alertdialog"
      aria-modal="true"
      aria-labelledby={titleId}
    >
      <div className="onboarding-card">
        <h1 id={titleId}>This device was unlinked</h1>
        <p>
          Your other device removed it from your account. It no longer receives your messages, and what you
          send from here no longer reaches anyone.
        </p>
        <Button
          variant="danger"
          disabled={busy}
          onClick={() => {
            setBusy(true);
            void forgetThisDevice(() => client.close());
          }}
        >
          Remove the account from this device
        </Button>
      </div>
    </div>,
    document.body,
  );
}

/** Closes the client, deletes its database and the remembered profile, and starts over at onboarding. */
async function forgetThisDevice(close: () => Promise<void>): Promise<void> {
  await close().catch(() => undefined);
  clearProfile(localStorage);
  await deleteClientDatabase(indexedDB);
  location.reload();
}
