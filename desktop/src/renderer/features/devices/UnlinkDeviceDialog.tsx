import { useClient } from '../../app/client-context.js';
import type { SurfaceProps } from '../../app/extensions.js';
import { ConfirmAction } from '../../ui/ConfirmAction.js';
import { errorText } from '../../ui/error-text.js';
import { deviceName } from './link-progress.js';

/**
 * "Unlink Device 2?": the primary signs a list without it (client.devices.remove). Contacts and our other
 * devices stop encrypting to it and rotate group keys; the device itself is told and stops.
 */
export function UnlinkDeviceDialog({ params, close }: SurfaceProps) {
  const client = useClient();
  const deviceId = Number(params.deviceId);
  return (
    <ConfirmAction
      question={`Unlink ${deviceName(deviceId)}? It stops receiving your messages at once, and your chats there can no longer be continued.`}
      confirmLabel="Unlink"
      onConfirm={() => client.devices.remove(deviceId)}
      describeError={(failure) => errorText(failure, 'Unlinking')}
      close={close}
    />
  );
}
