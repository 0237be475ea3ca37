import { lazy } from 'react';
import type { Feature } from '../../app/extensions.js';
import { LinkedDevicesSection } from './LinkedDevicesSection.js';
import { UnlinkDeviceDialog } from './UnlinkDeviceDialog.js';
import { UnlinkedNotice } from './UnlinkedNotice.js';

// The panel carries the QR encoder: loaded when opened.
const LinkedDevicesPanel = lazy(() =>
  import('./LinkedDevicesPanel.js').then((module) => ({ default: module.LinkedDevicesPanel })),
);

/**
 * "Linked devices": this account's devices with "Unlink", and "Link a new device" (QR code and payload, the
 * short code, confirm, the history's progress). A new device links from the onboarding screen
 * (features/onboarding/LinkDeviceForm.tsx); a device that was unlinked says so and stops.
 */
export const devicesFeature: Feature = {
  id: 'devices',
  settingsSections: [LinkedDevicesSection],
  panels: { 'linked-devices': { title: 'Linked devices', component: LinkedDevicesPanel } },
  dialogs: { 'unlink-device': { title: 'Unlink this device?', component: UnlinkDeviceDialog } },
  services: [UnlinkedNotice],
};
