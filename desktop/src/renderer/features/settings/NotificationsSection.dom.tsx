import { useState } from 'react';
import { desktopShell } from '../../platform/desktop-shell.dom.js';
import { Button } from '../../ui/Button.js';
import {
  loadNotificationPrefs,
  saveNotificationPrefs,
  type NotificationPrefs,
} from '../notifications/notification-prefs.js';
import { playNotificationSound } from '../notifications/notification-sound.dom.js';
import { SettingsSection, SwitchRow } from './settings-rows.js';

type Permission = NotificationPermission | 'desktop' | 'unsupported';

function currentPermission(): Permission {
  if (desktopShell()?.showNotification !== undefined) return 'desktop';
  return typeof Notification === 'function' ? Notification.permission : 'unsupported';
}

/** Whether new messages raise a notification (the browser must allow it) and play a sound. */
export function NotificationsSection() {
  const [prefs, setPrefs] = useState<NotificationPrefs>(() => loadNotificationPrefs(localStorage));
  const [permission, setPermission] = useState<Permission>(currentPermission);
  const update = (next: NotificationPrefs) => {
    saveNotificationPrefs(localStorage, next);
    setPrefs(next);
  };

  return (
    <SettingsSection title="Notifications">
      {permission === 'default' && (
        <div className="settings-row">
          <p className="hint settings-row-text">
            Allow this browser to show notifications for messages that arrive while Parley is hidden.
          </p>
          <Button
            variant="secondary"
            onClick={() =>
              void Notification.requestPermission().then(setPermission, () =>
                setPermission(currentPermission()),
              )
            }
          >
            Allow notifications
          </Button>
        </div>
      )}
      {permission === 'denied' && (
        <p className="hint">
          This browser blocks notifications from Parley; allow them in its site settings.
        </p>
      )}
      {permission === 'unsupported' && <p className="hint">This browser cannot show notifications.</p>}
      <SwitchRow
        label="Message notifications"
        hint="Show a notification for new messages when Parley is hidden or another chat is open."
        checked={prefs.enabled}
        onChange={(enabled) => update({ ...prefs, enabled })}
      />
      <SwitchRow
        label="Sounds"
        hint="Play a sound with each notification."
        checked={prefs.sound}
        disabled={!prefs.enabled}
        onChange={(sound) => {
          update({ ...prefs, sound });
          if (sound) playNotificationSound();
        }}
      />
    </SettingsSection>
  );
}
