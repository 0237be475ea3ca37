import { Notification } from 'electron';
import { notificationText } from './policy/notification-text.js';

export interface NotificationRequest {
  readonly conversationId: string;
  readonly title: string;
  readonly body: string;
}

/** Native notifications; clicking one opens its conversation. Live ones are kept so they are not collected. */
export class Notifier {
  private readonly live = new Set<Notification>();

  constructor(private readonly onClick: (conversationId: string) => void) {}

  show(request: NotificationRequest): boolean {
    if (!Notification.isSupported()) return false;
    const notification = new Notification({
      title: notificationText(request.title, process.platform, 100),
      body: notificationText(request.body, process.platform, 240),
    });
    const forget = () => this.live.delete(notification);
    notification.on('click', () => {
      forget();
      this.onClick(request.conversationId);
    });
    notification.on('close', forget);
    notification.on('failed', forget);
    this.live.add(notification);
    notification.show();
    return true;
  }
}
