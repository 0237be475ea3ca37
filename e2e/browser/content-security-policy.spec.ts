import { cspDirectives } from '@parley/core/web-client-csp';
import { expect, test } from './support/fixtures.js';

test("the relay's CSP header and the built page's CSP meta tag say the same, and only the header forbids framing", async ({
  relay,
  people,
}, testInfo) => {
  const [alice] = await people('Alice');
  // The page as the browser parsed it, and the header the relay sent with it.
  const meta = await alice.page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
  const header = (await fetch(relay.url)).headers.get('content-security-policy');
  if (meta === null || header === null) throw new Error(`policy missing: meta ${meta}, header ${header}`);

  const fromHeader = cspDirectives(header);
  expect(fromHeader.get('frame-ancestors')).toBe("'none'");
  fromHeader.delete('frame-ancestors');
  // Two policies are both enforced: any difference would be a rule nobody wrote down in one place.
  expect(Object.fromEntries(fromHeader)).toEqual(Object.fromEntries(cspDirectives(meta)));
  expect(cspDirectives(meta).get('script-src')).toBe("'self'");
  await alice.page.screenshot({ path: testInfo.outputPath('csp-page.png') });
});
