import type { Feature } from '../app/extensions.js';
import { callsFeature } from './calls/index.js';
import { contactInfoFeature } from './contact-info/index.js';
import { contactLinkFeature } from './contact-link/index.js';
import { groupCallsFeature } from './group-calls/index.js';
import { groupsFeature } from './groups/index.js';
import { mediaFeature } from './media/index.js';
import { notificationsFeature } from './notifications/index.js';
import { settingsFeature } from './settings/index.js';
import { statusFeature } from './status/index.js';

/**
 * Every feature plugged into the shell, one line each; order is the order of their buttons and menu entries.
 * See ../README.md for what a feature can register.
 */
export const features: readonly Feature[] = [
  contactLinkFeature,
  notificationsFeature,
  groupsFeature,
  callsFeature,
  groupCallsFeature,
  statusFeature,
  contactInfoFeature,
  mediaFeature,
  settingsFeature,
];
