import { describe, expect, it } from 'vitest';
import { CallServers } from './call-servers.js';
import type { FetchJson } from './policy/call-servers.js';
import { contentSecurityPolicy } from './policy/csp.js';
import { openWindowThenLearnCallServers } from './startup.js';
import { memoryFile } from './testing/memory-file.js';

const RELAY = 'https://relay.example';
const SFU = 'https://sfu.example:8443';

/** A relay that answers GET /v1/relay only when the test says so, like a slow one. */
function slowRelay() {
  let answer: (info: unknown) => void = () => undefined;
  let fail: (error: Error) => void = () => undefined;
  const asked: string[] = [];
  const fetchJson: FetchJson = (url) => {
    asked.push(url);
    return new Promise((resolve, reject) => {
      answer = resolve;
      fail = reject;
    });
  };
  return { fetchJson, asked, answer: (info: unknown) => answer(info), fail: (error: Error) => fail(error) };
}

/** What the window (a stand-in for the BrowserWindow) saw: the CSP of each load, in order. */
function fakeWindow(callServers: CallServers) {
  const loads: string[] = [];
  const load = () =>
    loads.push(contentSecurityPolicy({ relayOrigins: [RELAY], callServers: callServers.list([RELAY]) }));
  return { loads, load };
}

const connectSrc = (csp: string | undefined) =>
  csp?.split('; ').find((part) => part.startsWith('connect-src '));

describe('desktop start-up and the call servers in the CSP', () => {
  it('loads the window before a slow relay answers, then reloads once to allow the SFU it announces', async () => {
    const relay = slowRelay();
    const file = memoryFile();
    const callServers = new CallServers(file, relay.fetchJson);
    await callServers.load();
    const page = fakeWindow(callServers);

    const { window, learned } = await openWindowThenLearnCallServers({
      callServers,
      relayOrigins: [RELAY],
      openWindow: () => {
        page.load();
        return Promise.resolve(page);
      },
      reload: (opened) => opened.load(),
    });
    // The window is up and the relay has not answered yet.
    expect(window).toBe(page);
    expect(relay.asked).toEqual([`${RELAY}/v1/relay`]);
    expect(page.loads).toHaveLength(1);
    expect(connectSrc(page.loads[0])).not.toContain(SFU);

    relay.answer({ sfu: { url: `${SFU}/` } });
    expect(await learned).toEqual({ widened: true });
    expect(page.loads).toHaveLength(2);
    expect(connectSrc(page.loads[1])).toContain(`${SFU} `);
    expect(connectSrc(page.loads[1])).toContain('wss://sfu.example:8443');

    // The next start loads with the SFU already allowed and does not reload for it.
    const next = slowRelay();
    const again = new CallServers(file, next.fetchJson);
    await again.load();
    const nextPage = fakeWindow(again);
    const started = await openWindowThenLearnCallServers({
      callServers: again,
      relayOrigins: [RELAY],
      openWindow: () => {
        nextPage.load();
        return Promise.resolve(nextPage);
      },
      reload: (opened) => opened.load(),
    });
    expect(connectSrc(nextPage.loads[0])).toContain(SFU);
    next.answer({ sfu: { url: SFU } });
    expect(await started.learned).toEqual({ widened: false });
    expect(nextPage.loads).toHaveLength(1);
  });

  it('keeps the last known SFU when its relay cannot be reached, and drops it when the relay stops announcing one', async () => {
    const file = memoryFile(JSON.stringify({ version: 1, servers: { [RELAY]: SFU } }));
    const offline = slowRelay();
    const callServers = new CallServers(file, offline.fetchJson);
    await callServers.load();
    const refreshed = callServers.refresh([RELAY]);
    offline.fail(new Error('ECONNREFUSED'));
    expect(await refreshed).toEqual({ widened: false });
    expect(callServers.list([RELAY])).toEqual([SFU]);

    const without = slowRelay();
    const later = new CallServers(file, without.fetchJson);
    await later.load();
    const again = later.refresh([RELAY]);
    without.answer({ name: 'relay without an SFU' });
    expect(await again).toEqual({ widened: false });
    expect(later.list([RELAY])).toEqual([]);
    expect(JSON.parse(file.text ?? '')).toEqual({ version: 1, servers: {} });
  });

  it('ignores a cache file that would smuggle something into the policy', async () => {
    const file = memoryFile(
      JSON.stringify({
        version: 1,
        servers: {
          [RELAY]: "https://sfu.example; script-src 'unsafe-eval'",
          'https://b.example': 'https://*.example',
        },
      }),
    );
    const callServers = new CallServers(file, slowRelay().fetchJson);
    await callServers.load();
    expect(callServers.list([RELAY, 'https://b.example'])).toEqual([]);
  });
});
