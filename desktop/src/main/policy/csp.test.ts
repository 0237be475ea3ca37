import { describe, expect, it } from 'vitest';
import { cspDirectives, WEB_CLIENT_CSP_HEADER } from '@parley/core/web-client-csp';
import { contentSecurityPolicy, relaySources } from './csp.js';

function directives(csp: string): Map<string, string[]> {
  return new Map(
    csp.split('; ').map((part) => {
      const [name = '', ...values] = part.split(' ');
      return [name, values];
    }),
  );
}

describe('content security policy', () => {
  it('allows only the app itself by default, with no inline script, eval, plugins or framing', () => {
    const csp = directives(contentSecurityPolicy({ relayOrigins: [] }));
    expect(csp.get('default-src')).toEqual(["'none'"]);
    expect(csp.get('script-src')).toEqual(["'self'"]);
    expect(csp.get('connect-src')).toEqual(["'self'"]);
    expect(csp.get('object-src')).toEqual(["'none'"]);
    expect(csp.get('frame-ancestors')).toEqual(["'none'"]);
    expect(csp.get('base-uri')).toEqual(["'none'"]);
    expect(contentSecurityPolicy({ relayOrigins: [] })).not.toMatch(/unsafe-(inline|eval)|\*/);
  });

  it('lets the renderer reach each configured relay over http(s) polling and websockets', () => {
    const csp = directives(
      contentSecurityPolicy({
        relayOrigins: ['https://relay.example:7777', 'wss://relay.example:7777', 'http://localhost:3000'],
      }),
    );
    expect(csp.get('connect-src')).toEqual([
      "'self'",
      'http://localhost:3000',
      'https://relay.example:7777',
      'ws://localhost:3000',
      'wss://relay.example:7777',
    ]);
  });

  it.each([
    ['a directive injection', "https://relay.example; script-src 'unsafe-eval'"],
    ['a keyword', "'unsafe-eval'"],
    ['a wildcard host', 'https://*.example.com'],
    ['a path', 'https://relay.example/socket.io'],
    ['credentials', 'https://user:pw@relay.example'],
    ['a javascript: URL', 'javascript:alert(1)'],
    ['a file: URL', 'file:///tmp'],
    ['a bare wildcard', '*'],
  ])('refuses a relay origin with %s', (_name, origin) => {
    expect(() => relaySources(origin)).toThrow(expect.objectContaining({ code: 'BAD_REQUEST' }));
    expect(() => contentSecurityPolicy({ relayOrigins: [origin] })).toThrow();
  });
});

describe('content security policy shared with the web client', () => {
  it("differs from the web client's header only in connect-src, directive for directive", () => {
    const desktop = cspDirectives(contentSecurityPolicy({ relayOrigins: ['https://relay.example'] }));
    const web = cspDirectives(WEB_CLIENT_CSP_HEADER);
    expect([...desktop.keys()].sort()).toEqual([...web.keys()].sort());
    for (const [name, sources] of web) {
      if (name === 'connect-src') continue;
      expect({ name, sources: desktop.get(name) }).toEqual({ name, sources });
    }
    expect(desktop.get('connect-src')).toBe("'self' https://relay.example wss://relay.example");
    expect(web.get('connect-src')).not.toBe(desktop.get('connect-src'));
  });
});
