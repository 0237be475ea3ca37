import type { Feature } from '../../app/extensions.js';
import { NotificationService } from './NotificationService.dom.js';

/** Unread count in the title and the desktop badge; native notifications for messages not on screen. */
export const notificationsFeature: Feature = {
  id: 'notifications',
  services: [NotificationService],
};
