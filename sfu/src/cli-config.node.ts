import { availableParallelism } from 'node:os';
import { levels } from 'pino';
import { defaultSfuConfig, type SfuConfig } from './config.js';

/** What commander hands over: every option as text, repeatable ones as lists. Flags win over env. */
export interface SfuCliFlags {
  port?: string;
  host?: string;
  workers?: string;
  workerBin?: string;
  listenIp?: string;
  announcedIp?: string;
  rtcPort?: string;
  rtcMinPort?: string;
  rtcMaxPort?: string;
  maxConsumersPerWorker?: string;
  relayKey?: string;
  relayUrl?: string;
  allowedOrigin?: string[];
  logLevel?: string;
}

/** Each setting's environment variable, documented in docs/sfu.md. */
export const SFU_ENV = {
  port: 'PARLEY_SFU_PORT',
  host: 'PARLEY_SFU_HOST',
  workers: 'PARLEY_SFU_WORKERS',
  workerBin: 'MEDIASOUP_WORKER_BIN',
  listenIp: 'PARLEY_SFU_LISTEN_IP',
  announcedIp: 'PARLEY_SFU_ANNOUNCED_IP',
  rtcPort: 'PARLEY_SFU_RTC_PORT',
  rtcMinPort: 'PARLEY_SFU_RTC_MIN_PORT',
  rtcMaxPort: 'PARLEY_SFU_RTC_MAX_PORT',
  maxConsumersPerWorker: 'PARLEY_SFU_MAX_CONSUMERS_PER_WORKER',
  relayKey: 'PARLEY_RELAY_PUBLIC_KEY',
  relayUrl: 'PARLEY_RELAY_URL',
  allowedOrigin: 'PARLEY_SFU_ALLOWED_ORIGINS',
  logLevel: 'PARLEY_LOG_LEVEL',
} as const satisfies Record<keyof SfuCliFlags, string>;

export class SfuConfigError extends Error {
  override readonly name = 'SfuConfigError';
}

/** pino's own level names, and `silent`. */
const LOG_LEVELS: readonly string[] = [...Object.keys(levels.values), 'silent'];

/**
 * Flags (already merged with their environment variables by commander) → config. The relay's public key
 * comes from `--relay-key`, or is fetched by the caller from `--relay-url`'s `/v1/relay` and passed in.
 */
export function sfuConfigFromFlags(flags: SfuCliFlags, relayPublicKey: Uint8Array): SfuConfig {
  const text = (value: string | undefined) =>
    value === undefined || value.trim() === '' ? undefined : value.trim();
  const int = (name: string, value: string | undefined, min: number, max: number) => {
    const raw = text(value);
    if (raw === undefined) return undefined;
    const parsed = /^\d+$/.test(raw) ? Number(raw) : Number.NaN;
    if (!Number.isSafeInteger(parsed) || parsed < min || parsed > max) {
      throw new SfuConfigError(`${name} must be an integer ${min}-${max}`);
    }
    return parsed;
  };
  const logLevel = text(flags.logLevel) ?? 'info';
  if (!LOG_LEVELS.includes(logLevel)) {
    throw new SfuConfigError(`log-level must be one of ${LOG_LEVELS.join(', ')}`);
  }
  const base = defaultSfuConfig({ relayPublicKey, workers: availableParallelism() });
  const rtcMinPort = int('rtc-min-port', flags.rtcMinPort, 1024, 65_535) ?? base.rtcMinPort;
  const rtcMaxPort = int('rtc-max-port', flags.rtcMaxPort, 1024, 65_535) ?? base.rtcMaxPort;
  if (rtcMinPort > rtcMaxPort) throw new SfuConfigError('rtc-min-port must not exceed rtc-max-port');
  const workerBin = text(flags.workerBin);
  const announcedAddress = text(flags.announcedIp);
  const allowedOrigins = (flags.allowedOrigin ?? [])
    .flatMap((value) => value.split(','))
    .map((v) => v.trim());
  return {
    ...base,
    port: int('port', flags.port, 1, 65_535) ?? base.port,
    host: text(flags.host) ?? base.host,
    workers: int('workers', flags.workers, 1, 256) ?? base.workers,
    ...(workerBin ? { workerBin } : {}),
    listenIp: text(flags.listenIp) ?? base.listenIp,
    ...(announcedAddress ? { announcedAddress } : {}),
    rtcPort: int('rtc-port', flags.rtcPort, 1024, 65_535) ?? base.rtcPort,
    rtcMinPort,
    rtcMaxPort,
    maxConsumersPerWorker:
      int('max-consumers-per-worker', flags.maxConsumersPerWorker, 1, 1_000_000) ??
      base.maxConsumersPerWorker,
    allowedOrigins: allowedOrigins.filter(Boolean),
    logLevel: logLevel as SfuConfig['logLevel'],
  };
}
