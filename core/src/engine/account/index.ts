// account/: this device's identity and prekeys, the profile contacts see, the privacy settings and backups.
// It owns what is about the user's own account; it never reads or writes other people's messages or groups.
export { BackupService } from './backup-service.js';
export { BACKUP_FORMAT_VERSION, MIN_BACKUP_PASSPHRASE_LENGTH, type BackupCrypto } from './backup.js';
export {
  MAX_DISAPPEARING_TIMER_MS,
  type PresenceVisibility,
  type PrivacySettings,
} from './privacy-settings.js';
export { MAX_AVATAR_BYTES, MAX_DISPLAY_NAME_LENGTH } from './profile-limits.js';
export type { Profile } from './profile.js';
export { ProfileService } from './profile-service.js';
export { SettingsService } from './settings-service.js';
