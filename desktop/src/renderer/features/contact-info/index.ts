import type { Feature } from '../../app/extensions.js';
import { ContactInfoPanel } from './ContactInfoPanel.js';
import { ContactInfoButton, VerifiedBadge } from './header.js';
import { KeyChangedBanner } from './KeyChangedBanner.js';

/** Contact info: safety number with its QR code, marking a contact verified, and the key-changed warning. */
export const contactInfoFeature: Feature = {
  id: 'contact-info',
  conversationHeaderActions: [VerifiedBadge, ContactInfoButton],
  conversationServices: [KeyChangedBanner],
  panels: { 'contact-info': { title: 'Contact info', component: ContactInfoPanel } },
};
