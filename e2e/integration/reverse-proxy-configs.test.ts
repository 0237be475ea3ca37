import { execFile } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { prepareNginx } from '../browser/support/nginx.js';

const run = promisify(execFile);
const CADDYFILE = fileURLToPath(new URL('../../deploy/caddy/Caddyfile', import.meta.url));

/*
 * The reverse-proxy configurations in deploy/, checked by the proxies themselves. nginx also carries the
 * browser scenario e2e/browser/behind-nginx.spec.ts; Caddy (Debian's 2.6) is checked by `caddy adapt`
 * and `caddy validate`, which load every module the file names.
 */
describe('deploy/ reverse-proxy configurations', () => {
  it('nginx accepts deploy/nginx/parley-relay.conf', async () => {
    // Any upstream port: nginx -t does not connect to it.
    const { dir, args } = await prepareNginx(9);
    try {
      const { stderr } = await run('/usr/sbin/nginx', ['-t', ...args]);
      expect(stderr).toContain('test is successful');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('Caddy adapts deploy/caddy/Caddyfile to a proxy that hides /metrics and streams to the relay', async () => {
    const { stdout } = await run('caddy', ['adapt', '--config', CADDYFILE, '--adapter', 'caddyfile']);
    const config = JSON.parse(stdout) as CaddyConfig;
    const server = Object.values(config.apps.http.servers)[0];
    const site = server?.routes[0];
    expect(site?.match?.[0]?.host).toEqual(['relay.example.org']);
    const routes = site?.handle[0]?.routes ?? [];
    // First match wins: /metrics is answered 404 before anything reaches the relay.
    expect(routes[0]).toEqual({
      match: [{ path: ['/metrics'] }],
      handle: [{ handler: 'static_response', status_code: 404 }],
    });
    expect(routes[1]?.handle[0]).toMatchObject({
      handler: 'reverse_proxy',
      flush_interval: -1,
      upstreams: [{ dial: '127.0.0.1:7777' }],
    });
    await run('caddy', ['validate', '--config', CADDYFILE, '--adapter', 'caddyfile']);
  });
});

interface CaddyRoute {
  match?: Array<{ host?: string[]; path?: string[] }>;
  handle: Array<{ handler: string; routes?: CaddyRoute[]; [key: string]: unknown }>;
}
interface CaddyConfig {
  apps: { http: { servers: Record<string, { routes: CaddyRoute[] }> } };
}
