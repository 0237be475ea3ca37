import type { SurfaceProps } from '../../app/extensions.js';
import { useRegistry } from '../../app/registry-context.js';
import { BackupSection } from './BackupSection.js';
import { ChatsSection } from './ChatsSection.js';
import { NotificationsSection } from './NotificationsSection.dom.js';
import { PrivacySection } from './PrivacySection.js';
import { ProfileSection } from './ProfileSection.js';
import { RelaySection } from './RelaySection.js';
import '../../ui/switch.css';
import './settings.css';

/** Every setting on one scrolling panel, section by section as in WhatsApp Desktop. */
export function SettingsPanel(_props: SurfaceProps) {
  const registry = useRegistry();
  return (
    <div className="settings">
      <ProfileSection />
      <PrivacySection />
      <ChatsSection />
      <NotificationsSection />
      <RelaySection />
      <BackupSection />
      {registry.settingsSections.map((Section, index) => (
        <Section key={index} />
      ))}
    </div>
  );
}
