import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SfuContext } from '../context.js';

/**
 * `/healthz` (200 while every worker is up; 503 while one is being replaced or during shutdown, so a load
 * balancer steers new calls away) and Prometheus `/metrics`. Socket.IO answers its own path before this.
 */
export function opsHandler(ctx: SfuContext, isClosing: () => boolean) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method === 'GET' && path === '/healthz') {
      const workers = ctx.pool
        .all()
        .map((slot) => ({ index: slot.index, pid: slot.worker.pid, up: !slot.worker.died }));
      const healthy = !isClosing() && workers.every((worker) => worker.up);
      res.writeHead(healthy ? 200 : 503, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' });
      res.end(JSON.stringify({ status: healthy ? 'ok' : 'unavailable', workers }));
      return;
    }
    if (req.method === 'GET' && path === '/metrics') {
      const text = await ctx.metrics.registry.metrics();
      res.writeHead(200, { 'Content-Type': ctx.metrics.registry.contentType, 'Cache-Control': 'no-store' });
      res.end(text);
      return;
    }
    res.writeHead(404, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ error: { code: 'NOT_FOUND', message: 'not found' } }));
  };
}
