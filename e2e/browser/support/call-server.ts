import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { fromBase64Url } from '@parley/core';
import { defaultSfuConfig, startSfu, type Sfu } from '@parley/sfu';

const BUILD_WORKER = fileURLToPath(new URL('../../../sfu/scripts/build-worker.sh', import.meta.url));

/** The mediasoup worker: MEDIASOUP_WORKER_BIN, else the one sfu/scripts/build-worker.sh has cached. */
export function mediasoupWorker(): string {
  const fromEnv = process.env.MEDIASOUP_WORKER_BIN;
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
  try {
    return execFileSync('bash', [BUILD_WORKER, '--check'], { encoding: 'utf8' }).trim();
  } catch (error) {
    throw new Error('no mediasoup worker: run sfu/scripts/build-worker.sh (or set MEDIASOUP_WORKER_BIN)', {
      cause: error,
    });
  }
}

/**
 * A real SFU (one real mediasoup worker) on 127.0.0.1:`port` trusting `relayKey` (base64url, as /v1/relay
 * publishes it) — the relay's own key, or another one to play an SFU that does not trust this relay.
 * `observers`: the SFU's test-only setting that admits unseen observers (a dishonest SFU).
 */
export async function startCallServer(
  port: number,
  relayKey: string,
  options: { observers?: boolean } = {},
): Promise<Sfu> {
  return startSfu(
    defaultSfuConfig({
      relayPublicKey: fromBase64Url(relayKey),
      port,
      host: '127.0.0.1',
      workers: 1,
      workerBin: mediasoupWorker(),
      listenIp: '127.0.0.1',
      rtcPort: 0,
      observers: options.observers === true,
      // PARLEY_SFU_LOG_LEVEL=debug shows what the SFU did when a scenario fails.
      logLevel:
        (process.env.PARLEY_SFU_LOG_LEVEL as 'silent' | 'warn' | 'info' | 'debug' | undefined) ?? 'silent',
    }),
  );
}
