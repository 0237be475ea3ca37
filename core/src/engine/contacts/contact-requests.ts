import { ParleyError } from '../../errors/index.js';
import type { ClientDatabase, Contact } from '../../storage/index.js';
import type { EngineContext } from '../context.js';

/**
 * Whether the person chose this contact: added it from a link, or accepted its message request, and has not
 * blocked it. Only such contacts get our profile, receipts and presence, and may open a WebRTC link to us
 * (which would hand them our IP addresses). Records from before requests existed carry no flag: accepted.
 */
export function isAccepted(contact: Contact | undefined): contact is Contact {
  return contact !== undefined && !contact.blocked && contact.accepted !== false;
}

/** Whether `account` may open a direct link to us (answered offers, candidates): an accepted contact. */
export async function mayLink(db: ClientDatabase, account: string): Promise<boolean> {
  return isAccepted(await db.contacts.get(account));
}

/**
 * Accepts a message request (or unblocks): the contact becomes one the person chose. Resolves the stored
 * contact and whether this changed it; NOT_FOUND for an account nobody wrote from.
 */
export async function setContactChoice(
  ctx: EngineContext,
  account: string,
  choice: { readonly accepted: boolean; readonly blocked: boolean },
): Promise<{ contact: Contact; changed: boolean }> {
  const existing = await ctx.db.contacts.get(account);
  if (existing === undefined) throw new ParleyError('NOT_FOUND', `no contact ${account}`);
  const changed = existing.blocked !== choice.blocked || (existing.accepted !== false) !== choice.accepted;
  const contact: Contact = { ...existing, accepted: choice.accepted, blocked: choice.blocked };
  if (changed) {
    await ctx.db.contacts.put(contact);
    ctx.emit('contact-updated', contact);
  }
  return { contact, changed };
}
