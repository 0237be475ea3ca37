/** Whether this device shows notifications for new messages and plays a sound with them. */
export interface NotificationPrefs {
  readonly enabled: boolean;
  readonly sound: boolean;
}

export const NOTIFICATION_PREFS_KEY = 'parley.notifications.v1';
export const DEFAULT_NOTIFICATION_PREFS: NotificationPrefs = { enabled: true, sound: true };

/** Reads the stored preferences (a device setting, in localStorage); defaults for anything missing. */
export function loadNotificationPrefs(storage: Pick<Storage, 'getItem'>): NotificationPrefs {
  try {
    const value = JSON.parse(storage.getItem(NOTIFICATION_PREFS_KEY) ?? '{}') as Partial<NotificationPrefs>;
    return {
      enabled: typeof value.enabled === 'boolean' ? value.enabled : DEFAULT_NOTIFICATION_PREFS.enabled,
      sound: typeof value.sound === 'boolean' ? value.sound : DEFAULT_NOTIFICATION_PREFS.sound,
    };
  } catch {
    return DEFAULT_NOTIFICATION_PREFS;
  }
}

export function saveNotificationPrefs(storage: Pick<Storage, 'setItem'>, prefs: NotificationPrefs): void {
  storage.setItem(NOTIFICATION_PREFS_KEY, JSON.stringify(prefs));
}
