import { describe, expect, it } from 'vitest';
import { generateIdentity, identityString } from '../../crypto/index.js';
import { formatContactLink, parseContactLink } from './contact-link.js';
import { decodeContent, encodeContent } from '../messaging/content.js';
import { utf8 } from '../../protocol/encoding.js';

describe('contact links', () => {
  it('round-trips identity, relay URL and display name', () => {
    const link = {
      account: identityString(generateIdentity().identityKey),
      relayUrl: 'https://relay.example:7777',
      displayName: 'Zoë & co',
    };
    expect(parseContactLink(formatContactLink(link))).toEqual(link);
  });

  it('rejects a link with a corrupted identity', () => {
    const account = identityString(generateIdentity().identityKey);
    const bad = formatContactLink({
      // Swap the last character for a different one: a fixed replacement would be a no-op when it matched.
      account: `${account.slice(0, -1)}${account.endsWith('x') ? 'y' : 'x'}`,
      relayUrl: 'https://r',
      displayName: 'x',
    });
    expect(() => parseContactLink(bad)).toThrow(expect.objectContaining({ code: 'BAD_REQUEST' }));
  });
});

describe('message content', () => {
  it('round-trips a reply', () => {
    const content = {
      v: 1 as const,
      id: 'abc',
      sentAt: 1,
      counter: 0,
      body: { type: 'text' as const, text: 'hi', replyTo: 'def' },
    };
    expect(decodeContent(encodeContent(content))).toEqual(content);
  });

  it('rejects content that does not match the schema', () => {
    expect(() => decodeContent(utf8(JSON.stringify({ v: 1, id: 'x', body: { type: 'text' } })))).toThrow(
      expect.objectContaining({ code: 'BAD_REQUEST' }),
    );
  });
});
