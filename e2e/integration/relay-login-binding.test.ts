import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RelayInTheMiddle } from './support/relay-in-the-middle.js';
import { scenario, until } from './support/harness.js';

const s = scenario();
let middle: RelayInTheMiddle | undefined;
beforeEach(s.setup);
afterEach(async () => {
  await middle?.close();
  middle = undefined;
  await s.teardown();
});

describe('relay logins name the relay they are for', () => {
  it('a relay that passes another relay’s challenge through cannot log in there as the victim', async () => {
    // Relay E (named in a link the victim opened) hands her relay H's challenge and forwards her answer to H.
    middle = await RelayInTheMiddle.start(s.relay().url);
    const victim = s.device('victim', { relayUrl: middle.url, direct: false });
    await victim.start();
    const leg = () => middle?.legs[0];
    await until(() => (leg()?.acks ?? []).some(({ event }) => event === 'auth'), 'the victim to answer');
    const answer = leg()?.acks.find(({ event }) => event === 'auth')?.ack;
    // H must refuse: the victim signed for the relay she dialled (E), not for H.
    expect(answer).toMatchObject({ ok: false, error: { code: 'AUTH_FAILED' } });
  });
});
