import { formatContactLink, generateIdentity, identityString } from '@parley/core';
import { describe, expect, it } from 'vitest';
import { deepLinkFromArgv, parseDeepLink } from './deep-link.js';

const account = identityString(generateIdentity().identityKey);
const relayUrl = 'https://relay.example:7777';

describe('parley:// deep links', () => {
  it('turns a contact link into a contact to add', () => {
    const url = formatContactLink({ account, relayUrl, displayName: 'Zoë' });
    expect(parseDeepLink(url)).toEqual({
      ok: true,
      kind: 'contact',
      contact: { account, relayUrl, displayName: 'Zoë' },
    });
  });

  it('accepts the trailing slash and upper-case scheme some launchers produce', () => {
    const url = formatContactLink({ account, relayUrl, displayName: 'Zoë' });
    const variant = url.replace('parley://contact?', 'PARLEY://contact/?');
    expect(parseDeepLink(variant)).toMatchObject({ ok: true, contact: { account, displayName: 'Zoë' } });
  });

  it('returns a display name full of markup as plain data, untouched', () => {
    const displayName = '<img src=x onerror=alert(1)><script>alert("x")</script>';
    const result = parseDeepLink(formatContactLink({ account, relayUrl, displayName }));
    expect(result).toMatchObject({ ok: true, contact: { displayName } });
  });

  it('removes control and bidi-override characters that would disguise a name', () => {
    const result = parseDeepLink(
      formatContactLink({ account, relayUrl, displayName: 'Ali\u202Ece\u0000\n' }),
    );
    expect(result).toMatchObject({ ok: true, contact: { displayName: 'Alice' } });
  });

  it('rejects a link with a javascript: relay', () => {
    const url = formatContactLink({ account, relayUrl: 'javascript:alert(1)', displayName: 'x' });
    expect(parseDeepLink(url)).toEqual({ ok: false, reason: 'contact link has an invalid relay URL' });
  });

  it('rejects a link with a forged identity', () => {
    const url = formatContactLink({
      account: `${account.slice(0, -1)}${account.endsWith('x') ? 'y' : 'x'}`,
      relayUrl,
      displayName: 'x',
    });
    expect(parseDeepLink(url)).toMatchObject({ ok: false, reason: 'contact link has an invalid identity' });
  });

  it.each([
    ['another scheme', 'https://example.com/?id=x'],
    ['a look-alike scheme', 'parleyx://contact?id=x'],
    ['an unknown action', 'parley://settings?reset=1'],
    ['a group link (not supported yet)', 'parley://group?id=1&token=2'],
    ['a contact link without fields', 'parley://contact'],
    ['text that is not a link', 'hello'],
    ['a very long link', `parley://contact?id=${'a'.repeat(5000)}`],
  ])('rejects %s with a reason', (_name, url) => {
    const result = parseDeepLink(url);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason.length).toBeGreaterThan(0);
  });
});

describe('deep links in argv (Windows and Linux)', () => {
  it('finds the link among Electron switches on a second launch', () => {
    const argv = [
      'C:\\Parley\\Parley.exe',
      '--allow-file-access-from-files',
      'parley://contact?id=a',
      '--flag',
    ];
    expect(deepLinkFromArgv(argv)).toBe('parley://contact?id=a');
  });

  it('takes the last link when there are several', () => {
    expect(deepLinkFromArgv(['/opt/Parley/parley', 'PARLEY://contact?id=1', 'parley://contact?id=2'])).toBe(
      'parley://contact?id=2',
    );
  });

  it('finds nothing in a plain launch', () => {
    expect(
      deepLinkFromArgv(['/opt/Parley/parley', '--no-sandbox', 'https://parley.example']),
    ).toBeUndefined();
    expect(deepLinkFromArgv([])).toBeUndefined();
  });
});
