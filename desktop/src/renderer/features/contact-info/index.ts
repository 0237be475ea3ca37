import type { Feature } from '../../app/extensions.js';
import { lazy } from 'react';
import { ContactInfoButton, VerifiedBadge } from './header.js';
import { KeyChangedBanner } from './KeyChangedBanner.js';

// The panel carries the safety number's QR code and the QR reader: loaded when opened.
const ContactInfoPanel = lazy(() =>
  import('./ContactInfoPanel.js').then((module) => ({ default: module.ContactInfoPanel })),
);

/** Contact info: safety number with its QR code, marking a contact verified, and the key-changed warning. */
export const contactInfoFeature: Feature = {
  id: 'contact-info',
  conversationHeaderActions: [VerifiedBadge, ContactInfoButton],
  conversationServices: [KeyChangedBanner],
  panels: { 'contact-info': { title: 'Contact info', component: ContactInfoPanel } },
};
