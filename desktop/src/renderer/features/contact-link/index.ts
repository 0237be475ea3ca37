import type { Feature } from '../../app/extensions.js';
import { AddContactButton, MyLinkButton } from './buttons.js';
import { lazy } from 'react';
import { DeepLinkService } from './DeepLinkService.dom.js';

// The dialogs carry the QR encoder and the QR reader: loaded when opened.
const MyContactLinkDialog = lazy(() =>
  import('./MyContactLinkDialog.js').then((module) => ({ default: module.MyContactLinkDialog })),
);
const AddContactDialog = lazy(() =>
  import('./AddContactDialog.js').then((module) => ({ default: module.AddContactDialog })),
);

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
