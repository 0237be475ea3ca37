import { uniformRateLimits, type RelayConfig } from '../../../relay/src/config.js';

/** Limits high enough that no bench is throttled by them; every bench that uses them says so in its output. */
export const BENCH_RATE_LIMITS = uniformRateLimits(1_000_000_000);

export const BENCH_BLOB_QUOTA: RelayConfig['blobQuota'] = { maxBlobs: 100_000_000, maxBytes: 1024 ** 4 };

export const LIMITS_NOTE = 'relay rate limits and blob quota raised so they do not throttle the bench';
