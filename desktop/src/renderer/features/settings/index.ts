import { lazy } from 'react';
import type { Feature } from '../../app/extensions.js';
import { SettingsButton } from './SettingsButton.js';

const SettingsPanel = lazy(() =>
  import('./SettingsPanel.js').then((module) => ({ default: module.SettingsPanel })),
);

/** Settings from the chat list's header: profile, privacy, chats (theme), notifications, relay, backup. */
export const settingsFeature: Feature = {
  id: 'settings',
  sidebarActions: [SettingsButton],
  panels: { settings: { title: 'Settings', component: SettingsPanel } },
};
