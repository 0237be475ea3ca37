export type ExternalLinkDecision =
  | { readonly action: 'confirm'; readonly url: string; readonly host: string }
  | { readonly action: 'deny'; readonly reason: string };

const MAX_URL_LENGTH = 2048;

/**
 * Which links may go to `shell.openExternal`: http(s) only (never file:, smb:, javascript:, custom protocol
 * handlers that could run programs), without credentials in the URL (a classic way to disguise the host),
 * and always after the user confirms a dialog that shows the real host. Returns the normalised URL to open.
 */
export function externalLinkDecision(url: string): ExternalLinkDecision {
  if (url.length > MAX_URL_LENGTH) return { action: 'deny', reason: 'link is too long' };
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { action: 'deny', reason: 'not a valid URL' };
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:')
    return { action: 'deny', reason: `${parsed.protocol} links are not opened` };
  if (parsed.username !== '' || parsed.password !== '')
    return { action: 'deny', reason: 'links with a user name or password are not opened' };
  if (parsed.hostname === '') return { action: 'deny', reason: 'link has no host' };
  return { action: 'confirm', url: parsed.href, host: parsed.host };
}
