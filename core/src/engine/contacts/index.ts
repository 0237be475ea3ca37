// contacts/: the contact list, contact links and each contact's home relay, usernames, safety numbers and
// verification. It never sends messages itself (greeting a new contact is account/'s, through the outbox).
export { formatContactLink, parseContactLink, type ContactLink } from './contact-link.js';
export { ContactsService } from './contacts-service.js';
export type { SafetyNumberView, VerificationState } from './types.js';
