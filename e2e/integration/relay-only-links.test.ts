import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TestCoturn } from '../browser/support/coturn.js';
import { collect, next, scenario, startAll } from './support/harness.js';

// Opens WebRTC and starts coturn on 127.0.0.1: run inside
// `unshare -rn sh -c 'ip link set lo up && npx vitest run e2e/integration/relay-only-links.test.ts'`.
const s = scenario();
let coturn: TestCoturn;
beforeEach(async () => {
  coturn = await TestCoturn.start();
  await s.setupWith({ turn: coturn.relaySetting() });
});
afterEach(async () => {
  await s.teardown();
  await coturn.stop();
});

describe('relay-only links turned on with a link already open', () => {
  it('drops the open direct data link and re-forms it through TURN, so the contact stops seeing the address', async () => {
    const alice = s.device('alice');
    const bob = s.device('bob');
    await startAll(alice, bob);
    const toBob = alice.c.conversations.direct(bob.c.account);
    const first = next(bob.c, 'message');
    await alice.c.messages.send(toBob, 'before, straight to Bob');
    expect((await first).via).toBe('direct');

    // The setting turns on: the link opened under the old policy (host candidates, a direct path) goes at once.
    const routes = collect(alice.c, 'route');
    const throughTurn = next(alice.c, 'route', (event) => event.route === 'turn');
    await alice.c.settings.setRelayOnlyLinks(true);

    // It re-forms under the relay-only policy: through the test's coturn, with Alice's minted credentials.
    expect(await throughTurn).toMatchObject({ route: 'turn' });
    // First the drop (messages through the relay), last the TURN route, and never 'direct' in between: at
    // 'open', before its stats are read, the relay-only link says 'connecting'.
    expect(routes[0]?.route).toBe('relay');
    expect(routes.at(-1)?.route).toBe('turn');
    expect(routes.map((event) => event.route)).not.toContain('direct');
    const [turn] = alice.c.links.iceServers ?? [];
    expect(await coturn.log()).toContain(
      `user <${turn?.username}>: incoming packet ALLOCATE processed, success`,
    );
    const second = next(bob.c, 'message');
    await alice.c.messages.send(toBob, 'after, through the relay’s TURN');
    expect(await second).toMatchObject({
      via: 'direct',
      message: { text: 'after, through the relay’s TURN' },
    });
  });
});
