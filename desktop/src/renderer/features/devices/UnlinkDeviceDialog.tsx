import { useState } from 'react';
import { useClient } from '../../app/client-context.js';
import type { SurfaceProps } from '../../app/extensions.js';
import { Button } from '../../ui/Button.js';
import { errorText } from '../../ui/error-text.js';
import { deviceName } from './link-progress.js';

/**
 * "Unlink Device 2?": the primary signs a list without it (client.devices.remove). Contacts and our other
 * devices stop encrypting to it and rotate group keys; the device itself is told and stops.
 */
export function UnlinkDeviceDialog({ params, close }: SurfaceProps) {
  const client = useClient();
  const deviceId = Number(params.deviceId);
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);

  async function unlink() {
    setBusy(true);
    setError(undefined);
    try {
      await client.devices.remove(deviceId);
      close();
    } catch (failure) {
      setError(errorText(failure, 'Unlinking'));
      setBusy(false);
    }
  }

  return (
    <div className="unlink-device">
      <p>
        Unlink {deviceName(deviceId)}? It stops receiving your messages at once, and your chats there can no
        longer be continued.
      </p>
      {error !== undefined && (
        <p role="alert" className="form-error">
          {error}
        </p>
      )}
      <div className="modal-actions">
        <Button variant="secondary" onClick={close}>
          Cancel
        </Button>
        <Button variant="danger" disabled={busy} onClick={() => void unlink()}>
          Unlink
        </Button>
      </div>
    </div>
  );
}
