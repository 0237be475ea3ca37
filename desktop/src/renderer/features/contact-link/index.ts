import type { Feature } from '../../app/extensions.js';
import { AddContactButton, MyLinkButton } from './buttons.js';
import { AddContactDialog } from './AddContactDialog.js';
import { DeepLinkService } from './DeepLinkService.dom.js';
import { MyContactLinkDialog } from './MyContactLinkDialog.js';

/** "My contact link" with its QR code, and adding a contact by link or username. */
export const contactLinkFeature: Feature = {
  id: 'contact-link',
  sidebarActions: [MyLinkButton, AddContactButton],
  dialogs: {
    'contact-link': { title: 'My contact link', component: MyContactLinkDialog },
    'add-contact': { title: 'Add a contact', component: AddContactDialog },
  },
  services: [DeepLinkService],
};
