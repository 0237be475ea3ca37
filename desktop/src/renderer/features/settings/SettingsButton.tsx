import { useNavigation } from '../../app/navigation.js';
import { IconButton } from '../../ui/Button.js';

export function SettingsButton() {
  const { openPanel } = useNavigation();
  return <IconButton icon="settings" label="Settings" onClick={() => openPanel('settings')} />;
}
