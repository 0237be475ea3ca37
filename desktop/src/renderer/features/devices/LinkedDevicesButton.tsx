import { useNavigation } from '../../app/navigation.js';
import { IconButton } from '../../ui/Button.js';

export function LinkedDevicesButton() {
  const { openPanel } = useNavigation();
  return <IconButton icon="link" label="Linked devices" onClick={() => openPanel('linked-devices')} />;
}
