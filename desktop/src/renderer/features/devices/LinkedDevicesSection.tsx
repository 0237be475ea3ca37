import { useNavigation } from '../../app/navigation.js';
import { Button } from '../../ui/Button.js';
import { SettingsSection } from '../settings/settings-rows.js';

/** Settings → Linked devices: where WhatsApp and Signal keep it, not one more icon in the chat list's header. */
export function LinkedDevicesSection() {
  const { openPanel } = useNavigation();
  return (
    <SettingsSection title="Linked devices">
      <p>Use this account on your other computers and browsers, with your chats on each.</p>
      <Button variant="secondary" onClick={() => openPanel('linked-devices')}>
        Linked devices
      </Button>
    </SettingsSection>
  );
}
