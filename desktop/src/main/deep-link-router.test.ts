import { formatContactLink, generateIdentity, identityString } from '@parley/core';
import { describe, expect, it } from 'vitest';
import type { ContactLinkPayload } from '../ipc/channels.js';
import { DeepLinkRouter } from './deep-link-router.js';

function link(displayName: string): string {
  return formatContactLink({
    account: identityString(generateIdentity().identityKey),
    relayUrl: 'https://relay.example',
    displayName,
  });
}

function recorder() {
  const contacts: ContactLinkPayload[] = [];
  const rejected: string[] = [];
  return {
    contacts,
    rejected,
    sink: { contact: (c: ContactLinkPayload) => contacts.push(c), rejected: (r: string) => rejected.push(r) },
  };
}

describe('deep link routing', () => {
  it('keeps the link that launched the app until the renderer asks for it', () => {
    const router = new DeepLinkRouter();
    router.receive(link('Ada'));
    const { sink, contacts } = recorder();
    expect(router.takePending(sink).map((c) => c.displayName)).toEqual(['Ada']);
    router.receive(link('Grace'));
    expect(contacts.map((c) => c.displayName)).toEqual(['Grace']);
  });

  it('tells the renderer why a link was refused', () => {
    const router = new DeepLinkRouter();
    const { sink, rejected } = recorder();
    router.takePending(sink);
    router.receive('parley://contact?id=nope&relay=https://r&name=x');
    expect(rejected).toEqual(['contact link has an invalid identity']);
  });

  it('queues again after the renderer goes away, keeping only the newest 16', () => {
    const router = new DeepLinkRouter();
    router.takePending(recorder().sink);
    router.detach();
    for (let i = 0; i < 20; i += 1) router.receive(link(`n${i}`));
    const pending = router.takePending(recorder().sink);
    expect(pending).toHaveLength(16);
    expect(pending[0]?.displayName).toBe('n4');
  });
});
