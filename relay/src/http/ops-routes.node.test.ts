import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestRelay, type TestRelay } from './test-harness.node.js';

let t: TestRelay | undefined;
afterEach(async () => {
  await t?.stop();
  t = undefined;
});

/** fetch() refuses to send some paths verbatim (it normalises `..`); raw requests test what attackers send. */
function rawGet(url: string, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}${path}`, { method: 'GET', path }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('operations endpoints', () => {
  it('reports health', async () => {
    t = await startTestRelay();
    const response = await fetch(`${t.relay.url}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
  });

  it('reports ready while the store answers, and not ready once the store is gone', async () => {
    t = await startTestRelay();
    const ready = await fetch(`${t.relay.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready' });

    await t.relay.context.store.close();
    const gone = await fetch(`${t.relay.url}/readyz`);
    expect(gone.status).toBe(503);
    expect(await gone.json()).toMatchObject({ error: { code: 'UNAVAILABLE' } });
    expect((await fetch(`${t.relay.url}/healthz`)).status).toBe(200);
  });

  it('exposes Prometheus metrics with the relay gauges', async () => {
    t = await startTestRelay();
    const response = await fetch(`${t.relay.url}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/plain');
    const text = await response.text();
    for (const name of [
      'parley_connected_clients',
      'parley_blobs_stored',
      'parley_attachments_stored',
      'parley_attachment_bytes',
      'process_resident_memory_bytes',
    ]) {
      expect(text).toContain(`# TYPE ${name} `);
    }
  });

  it('describes the relay: its key, policy and limits', async () => {
    t = await startTestRelay({
      access: { policy: 'invite', otpSender: { kind: 'console' }, otpMaxAttempts: 5, otpTtlSeconds: 60 },
    });
    const body = (await (await fetch(`${t.relay.url}/v1/relay`)).json()) as Record<string, unknown>;
    expect(body.relayKey).toBe(Buffer.from(t.relay.context.relayKey.publicKey).toString('base64url'));
    expect(body.policy).toBe('invite');
    expect(body.limits).toMatchObject({ maxBlobBytes: 256 * 1024, attachmentMaxBytes: 4 * 1024 ** 3 });
  });

  it('shows a person who opens the relay in a browser what it is, when no web client is installed', async () => {
    t = await startTestRelay();
    const response = await fetch(`${t.relay.url}/`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/html');
    const page = await response.text();
    expect(page).toContain('Parley relay');
    expect(page).toContain(Buffer.from(t.relay.context.relayKey.publicKey).toString('base64url'));
  });

  it('answers unknown paths and methods with a JSON error', async () => {
    t = await startTestRelay();
    const missing = await fetch(`${t.relay.url}/nothing-here`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ error: { code: 'NOT_FOUND' } });
    const wrongMethod = await fetch(`${t.relay.url}/healthz`, { method: 'DELETE' });
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get('allow')).toBe('GET');
  });
});

describe('CORS on the API', () => {
  it('answers preflights from allowed origins and refuses others', async () => {
    t = await startTestRelay({ allowedOrigins: ['https://app.example'] });
    const allowed = await fetch(`${t.relay.url}/v1/attachments`, {
      method: 'OPTIONS',
      headers: { origin: 'https://app.example', 'access-control-request-method': 'PATCH' },
    });
    expect(allowed.status).toBe(204);
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://app.example');
    expect(allowed.headers.get('access-control-allow-headers')).toContain('Upload-Offset');
    const refused = await fetch(`${t.relay.url}/v1/relay`, { headers: { origin: 'https://evil.example' } });
    expect(refused.status).toBe(403);
    expect(refused.headers.get('access-control-allow-origin')).toBeNull();
    const plain = await fetch(`${t.relay.url}/v1/relay`, { headers: { origin: 'https://app.example' } });
    expect(plain.headers.get('access-control-expose-headers')).toContain('Upload-Offset');
  });
});

describe('web root', () => {
  it('serves files with their content type, falls back to index.html, and never leaves the root', async () => {
    const parent = await mkdtemp(join(tmpdir(), 'parley-web-'));
    const webRoot = join(parent, 'web');
    await mkdir(join(webRoot, 'assets'), { recursive: true });
    await writeFile(join(webRoot, 'index.html'), '<!doctype html><title>Parley</title>');
    await writeFile(join(webRoot, 'assets', 'app.js'), 'console.log(1)');
    await writeFile(join(parent, 'secret.txt'), 'do not serve');
    try {
      t = await startTestRelay({ webRoot });
      const index = await fetch(`${t.relay.url}/`);
      expect(index.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(await index.text()).toContain('Parley');
      const script = await fetch(`${t.relay.url}/assets/app.js`);
      expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
      expect(await (await fetch(`${t.relay.url}/chats/42`)).text()).toContain('Parley');
      expect((await fetch(`${t.relay.url}/assets/missing.js`)).status).toBe(404);
      expect((await fetch(`${t.relay.url}/v1/no-such-endpoint`)).status).toBe(404);

      for (const path of ['/../secret.txt', '/%2e%2e/secret.txt', '/assets/..%2f..%2fsecret.txt']) {
        const attempt = await rawGet(t.relay.url, path);
        expect(attempt.body).not.toContain('do not serve');
      }
    } finally {
      await rm(parent, { recursive: true, force: true });
    }
  });

  it('serves the web client under a strict CSP that no page may frame, without sniffing or referrers', async () => {
    const webRoot = await mkdtemp(join(tmpdir(), 'parley-web-'));
    await writeFile(join(webRoot, 'index.html'), '<!doctype html><title>Parley</title>');
    await writeFile(join(webRoot, 'app.js'), 'console.log(1)');
    try {
      t = await startTestRelay({ webRoot });
      for (const path of ['/', '/app.js', '/chats/42']) {
        const { headers } = await fetch(`${t.relay.url}${path}`);
        const csp = headers.get('content-security-policy') ?? '';
        // A page that frames the client could overlay it (clickjacking); <meta> CSP cannot forbid framing.
        expect(csp, path).toContain("frame-ancestors 'none'");
        expect(csp, path).toContain("script-src 'self'");
        expect(csp, path).toContain("default-src 'none'");
        expect(csp, path).not.toMatch(/unsafe-(inline|eval)/);
        expect(headers.get('x-content-type-options'), path).toBe('nosniff');
        expect(headers.get('referrer-policy'), path).toBe('no-referrer');
        expect(headers.get('x-frame-options'), path).toBe('DENY');
      }
    } finally {
      await rm(webRoot, { recursive: true, force: true });
    }
  });
});
