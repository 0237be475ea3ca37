import type { Feature } from '../app/extensions.js';
import { contactLinkFeature } from './contact-link/index.js';
import { notificationsFeature } from './notifications/index.js';
import { settingsFeature } from './settings/index.js';

/**
 * Every feature plugged into the shell, one line each; order is the order of their buttons and menu entries.
 * See ../README.md for what a feature can register.
 */
export const features: readonly Feature[] = [
  contactLinkFeature,
  notificationsFeature,
  settingsFeature,
  // groupsFeature,       features/groups/
  // statusFeature,       features/status/
  // contactInfoFeature,  features/contact-info/
  // mediaFeature,        features/media/
];
