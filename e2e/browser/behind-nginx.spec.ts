import { request as httpsRequest } from 'node:https';
import { expect, test } from './support/fixtures.js';
import { startNginx } from './support/nginx.js';
import { openPeople, type Person } from './support/people.js';
import { befriend, bubble, conversation, expectTick, onboard, sendText } from './support/ui.js';

/** GET through the proxy, trusting only its throwaway certificate; resolves the status code. */
function statusOf(url: string, ca: Buffer): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(url, { ca }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.once('error', reject);
    req.end();
  });
}

/*
 * The deployment docs/relay-operations.md describes: Debian's nginx with deploy/nginx/parley-relay.conf
 * terminates TLS on 127.0.0.1 and proxies to a real relay; people use the web client at https://, a secure
 * context. Chromium ignores certificate errors for this scenario only: the certificate is self-signed.
 */
test('two people onboard and chat through nginx terminating TLS in front of the relay', async ({
  relay,
}, testInfo) => {
  const proxy = await startNginx(Number(new URL(relay.url).port));
  // Clients dial the proxy's URL and sign its host at login: the relay is told it is its own.
  await relay.addPublicUrl(proxy.url);
  const people: Person[] = [];
  try {
    expect(await statusOf(`${proxy.url}healthz`, proxy.cert)).toBe(200);
    // Operations data stays internal: the proxy hides /metrics, which the relay itself still serves.
    expect(await statusOf(`${proxy.url}metrics`, proxy.cert)).toBe(404);
    expect((await fetch(`${relay.url}metrics`)).status).toBe(200);

    const [alice, bob] = await openPeople(['Alice', 'Bob'], proxy.url, ['--ignore-certificate-errors']);
    people.push(alice, bob);
    expect(alice.page.url()).toBe(proxy.url);
    expect(await alice.page.evaluate(() => window.isSecureContext)).toBe(true);

    await onboard(alice.page, 'Alice');
    await onboard(bob.page, 'Bob');
    await befriend(alice, bob);
    await expect(conversation(bob.page, 'Alice')).toBeVisible();
    await expect(conversation(alice.page, 'Bob')).toBeVisible();

    await sendText(bob.page, 'Hi Alice, through nginx');
    await expect(bubble(alice.page, 'Hi Alice, through nginx')).toBeVisible();
    await sendText(alice.page, 'Hello Bob, over TLS');
    await expect(bubble(bob.page, 'Hello Bob, over TLS')).toBeVisible();
    // The web client speaks Socket.IO over WebSocket only, so these went through the proxy's upgrade.
    await expectTick(bob.page, 'Hi Alice, through nginx', 'Read');
    await alice.page.screenshot({ path: testInfo.outputPath('behind-nginx-alice.png') });
    for (const person of people) expect(person.cspViolations).toEqual([]);
  } finally {
    for (const person of people) await person.destroy();
    await proxy.stop();
  }
});
