// trust/: rules that keep peers, links and backups from claiming more than they authenticate (issue 9):
// sender-namespaced ids, what a decrypted content may do, names cleaned for display, contact-link previews
// and the re-keying of a restored database. Pure helpers; the concepts call them, they call no service.
export type { ContactLinkPreview } from './contact-links.js';
export { displayText } from './display-text.js';
