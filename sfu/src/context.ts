import type { SfuTokenBody } from '@parley/core';
import type { SfuConfig } from './config.js';
import type { Logger } from './ops/logger.node.js';
import type { SfuMetrics } from './ops/metrics.node.js';
import type { RoomRegistry } from './rooms/registry.node.js';
import type { WorkerPool } from './workers/pool.node.js';

/** Everything a handler may use, built once by `startSfu`; nothing is a module global. */
export interface SfuContext {
  readonly config: SfuConfig;
  readonly log: Logger;
  readonly metrics: SfuMetrics;
  readonly pool: WorkerPool;
  readonly rooms: RoomRegistry;
  /** Returns the token's body, or throws AUTH_FAILED. */
  readonly verifyToken: (token: string, now: number) => SfuTokenBody;
  readonly now: () => number;
}
