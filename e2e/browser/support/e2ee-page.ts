import { createServer, type Server } from 'node:http';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const E2EE = fileURLToPath(
  new URL('../../../desktop/src/renderer/features/group-calls/e2ee/', import.meta.url),
);

/**
 * The encrypted-frames test page (desktop/…/e2ee/testing/loopback-page.dom.ts) and the frame worker, bundled
 * with esbuild as Vite bundles them for the app, served from http://127.0.0.1 (a secure context, so
 * WebCrypto and the fake camera work). Not part of the web build.
 */
export class E2eePage {
  private constructor(
    private readonly server: Server,
    private readonly dir: string,
    readonly url: string,
  ) {}

  static async start(): Promise<E2eePage> {
    const dir = await mkdtemp(join(tmpdir(), 'parley-e2ee-page-'));
    const common = {
      bundle: true,
      format: 'esm',
      platform: 'browser',
      target: 'chrome120',
      logLevel: 'error',
    } as const;
    await build({
      ...common,
      entryPoints: [join(E2EE, 'testing/loopback-page.dom.ts')],
      outfile: join(dir, 'page.js'),
    });
    await build({
      ...common,
      entryPoints: [join(E2EE, 'frame-worker.dom.ts')],
      outfile: join(dir, 'frame-worker.js'),
    });
    await writeFile(
      join(dir, 'index.html'),
      '<!doctype html><meta charset="utf-8"><title>e2ee loopback</title><script type="module" src="./page.js"></script>',
    );
    const server = createServer((request, response) => {
      const name = (request.url ?? '/').split('?')[0] === '/' ? 'index.html' : (request.url ?? '').slice(1);
      if (!/^[a-z0-9.-]+$/u.test(name)) {
        response.writeHead(404).end();
        return;
      }
      readFile(join(dir, name)).then(
        (body) => {
          const type = extname(name) === '.html' ? 'text/html' : 'text/javascript';
          response.writeHead(200, { 'content-type': type }).end(body);
        },
        () => response.writeHead(404).end(),
      );
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    const port = typeof address === 'object' && address !== null ? address.port : 0;
    return new E2eePage(server, dir, `http://127.0.0.1:${port}/`);
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    await rm(this.dir, { recursive: true, force: true });
  }
}
