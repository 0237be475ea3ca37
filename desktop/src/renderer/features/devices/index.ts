import { lazy } from 'react';
import type { Feature } from '../../app/extensions.js';
import { LinkedDevicesSection } from './LinkedDevicesSection.js';

// The panel carries the QR encoder: loaded when opened.
const LinkedDevicesPanel = lazy(() =>
  import('./LinkedDevicesPanel.js').then((module) => ({ default: module.LinkedDevicesPanel })),
);

/**
 * "Linked devices": this account's devices, "Link a new device" (QR code and payload, the short code,
 * confirm, the history's progress), and, on a new device, "Link to an existing account" (paste the payload).
 */
export const devicesFeature: Feature = {
  id: 'devices',
  settingsSections: [LinkedDevicesSection],
  panels: { 'linked-devices': { title: 'Linked devices', component: LinkedDevicesPanel } },
};
