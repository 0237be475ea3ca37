import { ParleyError } from '../../errors/index.js';
import { parseIdentityString } from '../../crypto/index.js';

/** What a `parley://contact` link carries: enough to add someone and reach them through their relay. */
export interface ContactLink {
  /** The account's identity string (base58 with checksum). */
  readonly account: string;
  readonly relayUrl: string;
  readonly displayName: string;
}

const PREFIX = 'parley://contact?';

export function formatContactLink(link: ContactLink): string {
  const query = new URLSearchParams({ id: link.account, relay: link.relayUrl, name: link.displayName });
  return `${PREFIX}${query.toString()}`;
}

/** Throws BAD_REQUEST on anything but a well-formed link with a valid identity and an http(s)/ws(s) relay. */
export function parseContactLink(text: string): ContactLink {
  if (!text.startsWith(PREFIX)) throw new ParleyError('BAD_REQUEST', 'not a parley://contact link');
  const query = new URLSearchParams(text.slice(PREFIX.length));
  const account = query.get('id') ?? '';
  const relayUrl = query.get('relay') ?? '';
  const displayName = (query.get('name') ?? '').slice(0, 128);
  try {
    parseIdentityString(account);
  } catch (error) {
    throw new ParleyError('BAD_REQUEST', 'contact link has an invalid identity', { cause: error });
  }
  if (!/^(https?|wss?):\/\/[^\s]+$/.test(relayUrl))
    throw new ParleyError('BAD_REQUEST', 'contact link has an invalid relay URL');
  return { account, relayUrl, displayName };
}
