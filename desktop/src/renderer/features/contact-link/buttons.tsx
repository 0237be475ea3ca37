import { useNavigation } from '../../app/navigation.js';
import { IconButton } from '../../ui/Button.js';

export function MyLinkButton() {
  const { openDialog } = useNavigation();
  return <IconButton icon="qr" label="My contact link" onClick={() => openDialog('contact-link')} />;
}

export function AddContactButton() {
  const { openDialog } = useNavigation();
  return <IconButton icon="add" label="Add contact" onClick={() => openDialog('add-contact')} />;
}
