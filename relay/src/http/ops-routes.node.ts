import { LIMITS } from '@parley/core';
import type { RelayContext } from '../context.js';
import { refreshStoreGauges } from '../ops/housekeeping.node.js';
import { sendError, sendJson } from './respond.node.js';
import type { Route } from './router.node.js';

/** Health, metrics and the relay's public description: no authentication, nothing per user. */
export function opsRoutes(ctx: RelayContext, isClosing: () => boolean): Route[] {
  return [
    {
      method: 'GET',
      pattern: '/healthz',
      handle: ({ res }) => {
        // Load balancers stop sending new clients as soon as shutdown starts.
        if (isClosing()) return sendError(res, { code: 'UNAVAILABLE', message: 'shutting down' });
        sendJson(res, 200, { status: 'ok' });
      },
    },
    {
      method: 'GET',
      pattern: '/metrics',
      handle: async ({ res }) => {
        // Store-wide counts are read on scrape, so every relay process reports the shared store's truth.
        await refreshStoreGauges(ctx);
        const text = await ctx.metrics.registry.metrics();
        res.writeHead(200, { 'Content-Type': ctx.metrics.registry.contentType, 'Cache-Control': 'no-store' });
        res.end(text);
      },
    },
    {
      method: 'GET',
      pattern: '/v1/relay',
      handle: ({ res }) => {
        const { config } = ctx;
        sendJson(res, 200, {
          relayKey: Buffer.from(ctx.relayKey.publicKey).toString('base64url'),
          policy: config.access.policy,
          // Where group calls go; null when this relay runs no SFU (calls then stay peer to peer).
          sfu: config.sfu.url === undefined ? null : { url: config.sfu.url },
          limits: {
            ...LIMITS,
            blobTtlSeconds: config.blobTtlSeconds,
            attachmentMaxBytes: config.attachments.maxBytes,
            attachmentQuotaBytes: config.attachments.quotaBytes,
            attachmentTtlSeconds: config.attachments.ttlSeconds,
          },
        });
      },
    },
  ];
}
