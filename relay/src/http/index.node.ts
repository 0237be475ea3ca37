import { existsSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ParleyError } from '@parley/core';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import type { RelayContext } from '../context.js';
import { createAttachmentFiles } from './attachment-files.node.js';
import { attachmentRoutes } from './attachments.node.js';
import { applyCors, isPreflight } from './cors.node.js';
import { sendLandingPage } from './landing.node.js';
import { opsRoutes } from './ops-routes.node.js';
import { RateLimitedError, sendError, sendJson, toWireError } from './respond.node.js';
import { createRouter } from './router.node.js';
import { createStaticHandler } from './static.node.js';

export interface HttpHandler {
  handle(req: IncomingMessage, res: ServerResponse): void;
  /**
   * Refuses new uploads with UNAVAILABLE, interrupts upload bodies still streaming (what reached the disk is
   * kept and its offset recorded, so the client resumes elsewhere) and resolves once every write has
   * finished. Idempotent.
   */
  close(): Promise<void>;
}

/** The relay's HTTP API on the Socket.IO port: health, metrics, relay info, attachments and the web client. */
export function createHttpHandler(ctx: RelayContext): HttpHandler {
  let closing: Promise<void> | undefined;
  const inFlight = new Set<Promise<void>>();
  const uploadBodies = new Set<IncomingMessage>();

  // Per identity and per process, with the socket's per-identity budget: an attachment takes a handful of
  // requests, so only a misbehaving client meets it.
  const { points, windowSeconds } = ctx.config.rateLimits.perIdentity;
  const limiter = new RateLimiterMemory({ points, duration: windowSeconds, keyPrefix: 'http' });
  const authenticate = async (req: IncomingMessage): Promise<string> => {
    const header = req.headers.authorization;
    if (header === undefined) throw new ParleyError('AUTH_REQUIRED', 'send Authorization: Bearer <token>');
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match?.[1]) throw new ParleyError('AUTH_FAILED', 'Authorization must be a Bearer token');
    const identity = ctx.tokens.verify(match[1], ctx.now());
    try {
      await limiter.consume(identity);
    } catch (error) {
      if (error instanceof RateLimiterRes)
        throw new RateLimitedError(Math.max(1, Math.ceil(error.msBeforeNext / 1000)));
      throw error;
    }
    return identity;
  };
  const trackUpload = (req: IncomingMessage) => {
    // A PATCH that queued behind another upload of the same hash may get its turn after close() began.
    if (closing)
      throw new ParleyError('UNAVAILABLE', 'relay is shutting down; retry on another relay or later');
    uploadBodies.add(req);
    return () => void uploadBodies.delete(req);
  };

  const router = createRouter([
    ...opsRoutes(ctx, () => closing !== undefined),
    ...attachmentRoutes(ctx, { files: createAttachmentFiles(ctx.config.dataDir), authenticate, trackUpload }),
  ]);
  const webRoot = ctx.config.webRoot;
  const serveStatic = webRoot !== undefined && existsSync(webRoot) ? createStaticHandler(webRoot) : undefined;

  async function dispatch(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const method = req.method ?? 'GET';
    if (url.pathname.startsWith('/v1/')) {
      if (!applyCors(req, res, ctx.config.allowedOrigins)) {
        throw new ParleyError('ACCESS_DENIED', 'origin not allowed');
      }
      if (isPreflight(req)) return void res.writeHead(204).end();
    }
    const match = router.match(method, url.pathname);
    if (match.kind === 'found') {
      if (!match.route.mutates) return match.route.handle({ req, res, params: match.params, url });
      if (closing)
        throw new ParleyError('UNAVAILABLE', 'relay is shutting down; retry on another relay or later');
      const running = Promise.resolve(match.route.handle({ req, res, params: match.params, url }));
      const tracked = running.then(
        () => undefined,
        () => undefined,
      );
      inFlight.add(tracked);
      void tracked.then(() => inFlight.delete(tracked));
      return running;
    }
    // The API never falls through to the web client: a mistyped API path must not answer with index.html.
    const isApi = url.pathname.startsWith('/v1/');
    const isRead = method === 'GET' || method === 'HEAD';
    if (isRead && !isApi && serveStatic && (await serveStatic(req, res, url.pathname))) return;
    if (isRead && url.pathname === '/' && !serveStatic) return sendLandingPage(ctx, res, method === 'HEAD');
    if (match.kind === 'method-not-allowed') {
      const error = { code: 'BAD_REQUEST', message: `${method} is not allowed here` } as const;
      return sendJson(res, 405, { error }, { Allow: match.allow.join(', ') });
    }
    throw new ParleyError('NOT_FOUND', `nothing at ${url.pathname}`);
  }

  return {
    handle(req, res) {
      // Socket.IO answers its own path on the same server; everything else is ours.
      if (req.url?.startsWith('/socket.io/')) return;
      let url: URL;
      try {
        url = new URL(req.url ?? '/', 'http://relay.invalid');
      } catch {
        return sendError(res, { code: 'BAD_REQUEST', message: 'malformed URL' });
      }
      dispatch(req, res, url).catch((error: unknown) => {
        const wire = toWireError(error, (unexpected) =>
          ctx.log.error({ err: unexpected, method: req.method, path: url.pathname }, 'http handler failed'),
        );
        if (res.headersSent) return void res.destroy();
        sendError(res, wire);
      });
    },
    close() {
      closing ??= (async () => {
        for (const req of uploadBodies) req.destroy(new Error('relay shutting down'));
        while (inFlight.size > 0) await Promise.all(inFlight);
      })();
      return closing;
    },
  };
}
