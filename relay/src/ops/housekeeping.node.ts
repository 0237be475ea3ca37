import { OTP_SEND_WINDOW_MS } from '../auth/otp.node.js';
import type { RelayContext } from '../context.js';
import { createAttachmentFiles, type AttachmentFiles } from '../http/attachment-files.node.js';

const DEFAULT_INTERVAL_MS = 60_000;

export interface Housekeeping {
  /** Runs one pass now (also what the timer runs). Never rejects: failures are logged. */
  runNow(): Promise<void>;
  stop(): void;
}

/** Reads the store's counts into the gauges; shared with the /metrics scrape. */
export async function refreshStoreGauges(ctx: RelayContext): Promise<void> {
  const [blobs, attachments] = await Promise.all([ctx.store.blobs.stats(), ctx.store.attachments.stats()]);
  ctx.metrics.blobsStored.set(blobs.blobs);
  ctx.metrics.blobBytes.set(blobs.bytes);
  ctx.metrics.attachmentsStored.set(attachments.attachments);
  ctx.metrics.attachmentBytes.set(attachments.bytes);
}

/**
 * One pass: expires blobs and attachments at ctx.now(), deletes the files of expired attachments, and deletes
 * files no record owns any more (left by a crash between deleting a record and its bytes, or by another
 * relay process expiring the record). Each step is independent, so one failing does not skip the others.
 */
export async function runHousekeeping(ctx: RelayContext, files: AttachmentFiles): Promise<void> {
  const now = ctx.now();
  const step = async (name: string, task: () => Promise<void>) => {
    try {
      await task();
    } catch (error) {
      ctx.log.error({ err: error, step: name }, 'housekeeping step failed');
    }
  };
  await step('blobs', async () => {
    const removed = await ctx.store.blobs.expire(now);
    if (removed > 0) ctx.log.info({ removed }, 'expired offline blobs');
  });
  await step('attachments', async () => {
    const expired = await ctx.store.attachments.expire(now);
    for (const hash of expired) await files.remove(hash);
    if (expired.length > 0) ctx.log.info({ removed: expired.length }, 'expired attachments');
  });
  await step('one-time codes', () => ctx.store.access.expire(now, now - OTP_SEND_WINDOW_MS));
  await step('orphaned attachment files', async () => {
    for (const hash of await files.list()) {
      if ((await ctx.store.attachments.get(hash)) === null) await files.remove(hash);
    }
  });
  // Last: what the steps above deleted leaves the files (free pages, WAL) too.
  await step('compact', () => ctx.store.compact());
  await step('gauges', () => refreshStoreGauges(ctx));
}

/** Runs housekeeping every `intervalMs` on an unref'd timer, so it never keeps the process alive by itself. */
export function startHousekeeping(ctx: RelayContext, intervalMs = DEFAULT_INTERVAL_MS): Housekeeping {
  const files = createAttachmentFiles(ctx.config.dataDir);
  let stopped = false;
  let running: Promise<void> | undefined;
  const runNow = () => {
    // Passes never overlap: a slow store makes the next tick join the pass in progress.
    running ??= runHousekeeping(ctx, files).finally(() => {
      running = undefined;
    });
    return running;
  };
  const timer = setInterval(() => {
    if (!stopped) void runNow();
  }, intervalMs);
  timer.unref();
  return {
    runNow,
    stop() {
      stopped = true;
      clearInterval(timer);
    },
  };
}
