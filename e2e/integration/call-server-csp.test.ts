import { afterEach, describe, expect, it } from 'vitest';
import { announcedCallServers, type FetchJson } from '../../desktop/src/main/policy/call-servers.js';
import { contentSecurityPolicy } from '../../desktop/src/main/policy/csp.js';
import { TestRelay } from './support/harness.js';

/*
 * The desktop app's CSP lets the renderer connect only to its relays; a group call goes to the SFU the relay
 * names. Main asks the relay (GET /v1/relay) which SFU it announces and allows that origin too — never a
 * URL the renderer hands it, and never something that is not a plain origin.
 */

const relays: TestRelay[] = [];
afterEach(async () => {
  for (const relay of relays.splice(0)) await relay.stop();
});

async function relayAnnouncing(url: string | undefined): Promise<TestRelay> {
  const relay = await TestRelay.start(url === undefined ? {} : { sfu: { url, tokenTtlSeconds: 60 } });
  relays.push(relay);
  return relay;
}

const fetchJson: FetchJson = async (url) => (await fetch(url)).json();

function connectSources(csp: string): string[] {
  const directive = csp.split('; ').find((part) => part.startsWith('connect-src '));
  return directive?.split(' ').slice(1) ?? [];
}

describe("the desktop CSP and the relay's call server", () => {
  it('allows connections to the SFU the relay announces, over http and ws, and to nothing else', async () => {
    const relay = await relayAnnouncing('http://127.0.0.1:7780');
    const plain = await relayAnnouncing(undefined);
    const callServers = await announcedCallServers([relay.url, plain.url], fetchJson);
    expect(callServers).toEqual(['http://127.0.0.1:7780']);

    const before = connectSources(contentSecurityPolicy({ relayOrigins: [relay.url, plain.url] }));
    expect(before).not.toContain('http://127.0.0.1:7780');
    const after = connectSources(
      contentSecurityPolicy({ relayOrigins: [relay.url, plain.url], callServers }),
    );
    expect(after.filter((source) => !before.includes(source)).sort()).toEqual([
      'http://127.0.0.1:7780',
      'ws://127.0.0.1:7780',
    ]);
  });

  it('drops an announced value that would widen the policy (a directive smuggled in, a wildcard), and an unreachable relay', async () => {
    const smuggling = await relayAnnouncing("http://127.0.0.1:7780/; script-src 'unsafe-eval'");
    const wildcard = await relayAnnouncing('https://*.example');
    const ok = await relayAnnouncing('https://sfu.example:8443');
    const gone = await relayAnnouncing(undefined);
    const goneUrl = gone.url;
    await gone.stop();
    relays.splice(relays.indexOf(gone), 1);

    const callServers = await announcedCallServers([smuggling.url, wildcard.url, goneUrl, ok.url], fetchJson);
    expect(callServers).toEqual(['https://sfu.example:8443']);
    const csp = contentSecurityPolicy({ relayOrigins: [ok.url], callServers });
    expect(csp).not.toMatch(/unsafe-eval|\*/);
  });
});
