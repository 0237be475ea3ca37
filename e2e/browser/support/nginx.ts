import { execFile, spawn } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { makeCertificate, type TestCertificate } from '@parley/relay';
import { freePort, waitForPort } from './ports.js';

const run = promisify(execFile);

/** The site configuration operators install (deploy/nginx/parley-relay.conf). */
export const NGINX_SITE = fileURLToPath(new URL('../../../deploy/nginx/parley-relay.conf', import.meta.url));
const NGINX = '/usr/sbin/nginx';

export interface NginxProxy {
  /** `https://127.0.0.1:<port>/` */
  url: string;
  /** The throwaway self-signed certificate nginx presents (PEM), for a client's `ca`. */
  cert: Buffer;
  stop(): Promise<void>;
}

/**
 * The shipped site file made runnable here: its ports become free loopback ports, the upstream the relay's
 * port, the certificate a throwaway one from openssl. Nothing else in it changes.
 */
export function siteForTest(
  site: string,
  ports: { https: number; http: number; relay: number },
  certificate: Pick<TestCertificate, 'certFile' | 'keyFile'>,
) {
  const replaced = site
    // Comments mention the production values too; only directives count.
    .replace(/^\s*#.*\n/gmu, '')
    .replace('server 127.0.0.1:7777;', `server 127.0.0.1:${ports.relay};`)
    .replace('listen 443 ssl;', `listen 127.0.0.1:${ports.https} ssl;`)
    .replace('listen 80;', `listen 127.0.0.1:${ports.http};`)
    .replace(/^\s*listen \[::\]:\d+( ssl)?;\n/gmu, '')
    .replace('/etc/letsencrypt/live/relay.example.org/fullchain.pem', certificate.certFile)
    .replace('/etc/letsencrypt/live/relay.example.org/privkey.pem', certificate.keyFile);
  if (replaced.includes('7777') || replaced.includes('letsencrypt') || /listen (80|443)\b/u.test(replaced))
    throw new Error('deploy/nginx/parley-relay.conf changed shape: update siteForTest');
  return replaced;
}

/**
 * A main nginx.conf that keeps everything in `dir` and runs as the current user: one process in the
 * foreground (`master_process off` switches no user, which a user namespace could not do), and temp folders
 * owned by that user (`user root` is the namespace's mapped user; nginx ignores it when not root).
 */
function mainConfig(dir: string): string {
  return `daemon off;
master_process off;
user root root;
pid ${dir}/nginx.pid;
error_log stderr warn;
events { worker_connections 512; }
http {
  access_log off;
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  include ${dir}/site.conf;
}
`;
}

/** Writes the configuration and certificate into a fresh folder; `nginx -t` checks it there. */
export async function prepareNginx(
  relayPort: number,
): Promise<{ dir: string; httpsPort: number; args: string[]; certificate: TestCertificate }> {
  const dir = await mkdtemp(join(tmpdir(), 'parley-nginx-'));
  await mkdir(join(dir, 'logs'));
  const certificate = await makeCertificate(dir, 'proxy');
  const ports = { https: await freePort(), http: await freePort(), relay: relayPort };
  await writeFile(
    join(dir, 'site.conf'),
    siteForTest(await readFile(NGINX_SITE, 'utf8'), ports, certificate),
  );
  await writeFile(join(dir, 'nginx.conf'), mainConfig(dir));
  // -e: the compiled-in error log under /var/log is not ours to write before the config is read.
  const args = ['-p', dir, '-c', join(dir, 'nginx.conf'), '-e', 'stderr'];
  return { dir, httpsPort: ports.https, args, certificate };
}

/** Starts Debian's nginx on 127.0.0.1 in front of a relay listening on `relayPort`. */
export async function startNginx(relayPort: number): Promise<NginxProxy> {
  const { dir, httpsPort, args, certificate } = await prepareNginx(relayPort);
  await run(NGINX, ['-t', ...args]);
  const child = spawn(NGINX, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (text: string) => (stderr += text));
  await waitForPort('nginx', httpsPort, child, () => stderr);
  let stopped: Promise<void> | undefined;
  return {
    url: `https://127.0.0.1:${httpsPort}/`,
    cert: certificate.cert,
    stop: () =>
      (stopped ??= (async () => {
        if (child.exitCode === null && child.signalCode === null) {
          const exited = new Promise((resolve) => child.once('exit', resolve));
          child.kill('SIGQUIT');
          await exited;
        }
        await rm(dir, { recursive: true, force: true });
      })()),
  };
}
