import { ParleyError } from '../../errors/index.js';
import type { Contact } from '../../storage/index.js';
import { parseContactLink } from '../contacts/contact-link.js';
import type { EngineContext } from '../context.js';
import { displayText } from './display-text.js';

/** What opening a `parley://contact` link would do, for the app to show before the user confirms. */
export interface ContactLinkPreview {
  readonly account: string;
  /** The name and relay the link gives (the name cleaned for display). */
  readonly displayName: string;
  readonly relayUrl: string;
  /** A contact we already have: adding it changes nothing, whatever the link says. */
  readonly known: boolean;
  /** For a known contact, whether the link names another relay or name than the ones we keep. */
  readonly relayChanged: boolean;
  readonly nameChanged: boolean;
  readonly contact?: Contact;
}

/**
 * Anyone can make a link naming any account with any relay and name, so a link never changes a contact we
 * know: its relay would route our messages (and prekey fetches) through a relay of the link maker's choice,
 * its name would let a stranger's link rename "Bob". Only an unknown contact takes them.
 */
export async function previewContactLink(
  ctx: EngineContext,
  link: string,
  relayOf: (account: string) => string,
): Promise<ContactLinkPreview> {
  const parsed = parseContactLink(link);
  if (parsed.account === ctx.self.name) throw new ParleyError('BAD_REQUEST', 'that is this account');
  const contact = await ctx.db.contacts.get(parsed.account);
  const displayName = displayText(parsed.displayName) || parsed.account.slice(0, 8);
  return {
    account: parsed.account,
    displayName,
    relayUrl: parsed.relayUrl,
    known: contact !== undefined,
    relayChanged: contact !== undefined && relayOf(parsed.account) !== parsed.relayUrl,
    nameChanged: contact !== undefined && contact.displayName !== displayName,
    ...(contact === undefined ? {} : { contact }),
  };
}
