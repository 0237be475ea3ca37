import { LIMITS } from '@parley/core';
import type { RelayContext } from '../context.js';
import { refreshStoreGauges } from '../ops/housekeeping.node.js';
import { sendError, sendJson } from './respond.node.js';
import type { Route } from './router.node.js';

/** How long /readyz waits for the store: a Redis that is down queues commands rather than failing them. */
const STORE_PROBE_MS = 2_000;
/** A key no identity has: reading it is one indexed lookup on every store back end. */
const PROBE_IDENTITY = 'readyz-probe';

/** Health, readiness, metrics and the relay's public description: no authentication, nothing per user. */
export function opsRoutes(ctx: RelayContext, isClosing: () => boolean): Route[] {
  return [
    {
      method: 'GET',
      pattern: '/healthz',
      // Liveness: the process answers. Restarting a relay that is draining or waiting for its store helps nobody.
      handle: ({ res }) => sendJson(res, 200, { status: 'ok' }),
    },
    {
      method: 'GET',
      pattern: '/readyz',
      handle: async ({ res }) => {
        // Readiness: load balancers stop sending new clients as soon as shutdown starts or the store is gone.
        if (isClosing()) return sendError(res, { code: 'UNAVAILABLE', message: 'shutting down' });
        const problem = await probeStore(ctx);
        if (problem) return sendError(res, { code: 'UNAVAILABLE', message: `store unreachable: ${problem}` });
        sendJson(res, 200, { status: 'ready' });
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
            // Quotas and rates, so a client can tell a limit from a fault without reading the relay's config.
            blobQuotaCopies: config.blobQuota.maxBlobs,
            blobQuotaBytes: config.blobQuota.maxBytes,
            storageMaxBytes: config.storageMaxBytes,
            deliveryRecordTtlSeconds: config.deliveryRecordTtlSeconds,
            challengeTtlSeconds: config.challengeTtlSeconds,
            tokenTtlSeconds: config.tokenTtlSeconds,
            otpTtlSeconds: config.access.otpTtlSeconds,
            otpMaxAttempts: config.access.otpMaxAttempts,
          },
          // Beside `limits`, whose values are all numbers (clients parse it as a number map).
          rates: config.rateLimits,
        });
      },
    },
  ];
}

async function probeStore(ctx: RelayContext): Promise<string | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<string>((resolve) => {
    timer = setTimeout(() => resolve(`no answer within ${STORE_PROBE_MS} ms`), STORE_PROBE_MS);
  });
  try {
    return await Promise.race([
      ctx.store.access.isAdmitted(PROBE_IDENTITY).then(
        () => undefined,
        (error: unknown) => (error instanceof Error ? error.message : String(error)),
      ),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
}
