import { describe, expect, it } from 'vitest';
import {
  loadNotificationPrefs,
  NOTIFICATION_PREFS_KEY,
  saveNotificationPrefs,
} from './notification-prefs.js';

function memoryStorage(initial: Record<string, string> = {}) {
  const values = new Map(Object.entries(initial));
  return {
    getItem: (key: string) => values.get(key) ?? null,
    setItem: (key: string, value: string) => void values.set(key, value),
  };
}

describe('notification preferences', () => {
  it('shows notifications with sound until the person turns them off, and remembers it', () => {
    const storage = memoryStorage();
    expect(loadNotificationPrefs(storage)).toEqual({ enabled: true, sound: true });
    saveNotificationPrefs(storage, { enabled: false, sound: true });
    expect(loadNotificationPrefs(storage)).toEqual({ enabled: false, sound: true });
  });

  it('falls back to the defaults for a damaged stored value', () => {
    expect(loadNotificationPrefs(memoryStorage({ [NOTIFICATION_PREFS_KEY]: '{oops' }))).toEqual({
      enabled: true,
      sound: true,
    });
    expect(loadNotificationPrefs(memoryStorage({ [NOTIFICATION_PREFS_KEY]: '{"sound":false}' }))).toEqual({
      enabled: true,
      sound: false,
    });
  });
});
