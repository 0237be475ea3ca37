import { parseContactLink, type ContactLink } from '@parley/core';

export type DeepLinkResult =
  | { readonly ok: true; readonly kind: 'contact'; readonly contact: ContactLink }
  | { readonly ok: false; readonly reason: string };

export const DEEP_LINK_SCHEME = 'parley';
const MAX_DEEP_LINK_LENGTH = 4096;

// C0/C1 controls and the bidi embedding/override/isolate marks, which could make a name display as
// something else (e.g. "‮gnp.exe"). Removed, not escaped: the name is plain text either way.
// eslint-disable-next-line no-control-regex
const UNSAFE_NAME_CHARS = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/**
 * Parses a `parley://` URL the OS handed to the app into a contact to add, reusing core's contact-link parser.
 * The display name comes back as data (with control and bidi-override characters removed) for the UI to
 * render as text; nothing here produces HTML. Never throws: a bad link is a reason to show the user.
 */
export function parseDeepLink(url: string): DeepLinkResult {
  if (url.length > MAX_DEEP_LINK_LENGTH) return { ok: false, reason: 'the link is too long' };
  const schemeEnd = url.indexOf('://');
  if (schemeEnd < 0 || url.slice(0, schemeEnd).toLowerCase() !== DEEP_LINK_SCHEME)
    return { ok: false, reason: 'not a parley:// link' };
  // Windows and some Linux launchers add a slash after the host ("parley://contact/?id=…").
  const rest = url.slice(schemeEnd + 3).replace(/^([a-z]+)\/\?/i, '$1?');
  const action = rest.slice(0, rest.search(/[?/#]|$/)).toLowerCase();
  if (action === 'group')
    return { ok: false, reason: 'group invite links cannot be opened from outside Parley yet' };
  if (action !== 'contact') return { ok: false, reason: 'unknown parley:// link' };
  let contact: ContactLink;
  try {
    contact = parseContactLink(`${DEEP_LINK_SCHEME}://contact${rest.slice('contact'.length)}`);
  } catch (error) {
    return { ok: false, reason: error instanceof Error ? error.message : 'invalid contact link' };
  }
  const displayName = contact.displayName.replace(UNSAFE_NAME_CHARS, '').trim();
  return { ok: true, kind: 'contact', contact: { ...contact, displayName } };
}

/**
 * On Windows and Linux a second launch (`second-instance`) or the first one carries the link in argv, next
 * to Electron's own switches; take the last `parley://` argument. macOS delivers links via `open-url`.
 */
export function deepLinkFromArgv(argv: readonly string[]): string | undefined {
  for (let i = argv.length - 1; i >= 0; i -= 1) {
    const arg = argv[i];
    if (arg !== undefined && arg.toLowerCase().startsWith(`${DEEP_LINK_SCHEME}://`)) return arg;
  }
  return undefined;
}
