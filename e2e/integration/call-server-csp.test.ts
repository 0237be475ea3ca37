import { createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { CallServers } from '../../desktop/src/main/call-servers.js';
import { openWindowThenLearnCallServers } from '../../desktop/src/main/startup.js';
import { memoryFile } from '../../desktop/src/main/testing/memory-file.js';
import { announcedCallServers, type FetchJson } from '../../desktop/src/main/policy/call-servers.js';
import { contentSecurityPolicy } from '../../desktop/src/main/policy/csp.js';
import { TestRelay } from './support/harness.js';

/*
 * The desktop app's CSP lets the renderer connect only to its relays; a group call goes to the SFU the relay
 * names. Main asks the relay (GET /v1/relay) which SFU it announces and allows that origin too — never a
 * URL the renderer hands it, and never something that is not a plain origin.
 */

const relays: TestRelay[] = [];
const silent: { server: Server; sockets: Set<Socket> }[] = [];
afterEach(async () => {
  for (const relay of relays.splice(0)) await relay.stop();
  for (const { server, sockets } of silent.splice(0)) {
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => server.close(resolve));
  }
});

/** A relay that accepts connections and never answers, like one that is slow or half down. */
async function silentRelay(): Promise<{ url: string; connected: Promise<void>; hangUp: () => void }> {
  const sockets = new Set<Socket>();
  let connected: () => void = () => undefined;
  const firstConnection = new Promise<void>((resolve) => (connected = resolve));
  const server = createServer((socket) => {
    sockets.add(socket);
    connected();
  });
  silent.push({ server, sockets });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return {
    url: `http://127.0.0.1:${address.port}`,
    connected: firstConnection,
    hangUp: () => sockets.forEach((socket) => socket.destroy()),
  };
}

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

  it('opens the window while a relay has not answered, then reloads once the SFU another relay announces is learned', async () => {
    const announcing = await relayAnnouncing('http://127.0.0.1:7780');
    const slow = await silentRelay();
    const relayOrigins = [announcing.url, slow.url];
    const callServers = new CallServers(memoryFile(), fetchJson);
    await callServers.load();
    const loads: string[][] = [];
    const load = () =>
      loads.push(
        connectSources(contentSecurityPolicy({ relayOrigins, callServers: callServers.list(relayOrigins) })),
      );

    const { learned } = await openWindowThenLearnCallServers({
      callServers,
      relayOrigins,
      openWindow: async () => {
        await slow.connected; // the slow relay has been asked, and has not answered
        load();
        return Promise.resolve('window');
      },
      reload: () => load(),
    });
    expect(loads).toHaveLength(1);
    expect(loads[0]).not.toContain('http://127.0.0.1:7780');

    slow.hangUp();
    expect(await learned).toEqual({ widened: true });
    expect(loads).toHaveLength(2);
    expect(loads[1]).toContain('http://127.0.0.1:7780');
    expect(loads[1]).toContain('ws://127.0.0.1:7780');
  });
});
