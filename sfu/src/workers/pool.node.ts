import { EventEmitter } from 'node:events';
import * as mediasoup from 'mediasoup';
import type { types } from 'mediasoup';
import type { SfuConfig } from '../config.js';
import type { Logger } from '../ops/logger.node.js';

/** One worker process and the WebRtcServer on its port pair. A slot outlives the workers that fill it. */
export interface WorkerSlot {
  readonly index: number;
  worker: types.Worker;
  webRtcServer: types.WebRtcServer;
  /**
   * Ids of the consumers on this worker's routers: what decides where a growing room places its next peers.
   * A replacement worker gets a fresh set, so closes reported by the dead worker's consumers touch the old one.
   */
  consumers: Set<string>;
}

interface PoolEvents {
  /** The slot's worker died; every router on it is gone. A replacement is being started. */
  died: [slot: WorkerSlot];
  /** The slot has a working worker again. */
  replaced: [slot: WorkerSlot];
}

/**
 * The mediasoup workers, one per configured core, each with a WebRtcServer on UDP+TCP `rtcPort + index`. A
 * worker that dies is replaced in the same slot (same ports, so announced addresses stay valid).
 */
export class WorkerPool extends EventEmitter<PoolEvents> {
  private readonly slots: WorkerSlot[] = [];
  /** Slots whose worker is being replaced: `ready` resolves once they work again. */
  private readonly restarting = new Map<number, Promise<void>>();
  private closed = false;

  private constructor(
    private readonly config: SfuConfig,
    private readonly log: Logger,
  ) {
    super();
  }

  static async start(config: SfuConfig, log: Logger): Promise<WorkerPool> {
    const pool = new WorkerPool(config, log);
    try {
      for (let index = 0; index < config.workers; index += 1) {
        const slot = await pool.spawn(index);
        pool.slots.push(slot);
      }
    } catch (error) {
      pool.close();
      throw error;
    }
    return pool;
  }

  get size(): number {
    return this.slots.length;
  }

  all(): readonly WorkerSlot[] {
    return this.slots;
  }

  /** Waits for the slot's worker if it is being replaced; throws once the pool is closed. */
  async ready(slot: WorkerSlot): Promise<WorkerSlot> {
    await this.restarting.get(slot.index);
    if (this.closed) throw new Error('worker pool closed');
    return slot;
  }

  /** The slot with the fewest consumers (ties: lowest index), optionally other than `except`. */
  leastLoaded(except?: WorkerSlot): WorkerSlot {
    let best: WorkerSlot | undefined;
    for (const slot of this.slots) {
      if (slot === except && this.slots.length > 1) continue;
      if (!best || slot.consumers.size < best.consumers.size) best = slot;
    }
    if (!best) throw new Error('worker pool is empty');
    return best;
  }

  isFull(slot: WorkerSlot): boolean {
    return slot.consumers.size >= this.config.maxConsumersPerWorker;
  }

  close(): void {
    this.closed = true;
    for (const slot of this.slots) slot.worker.close();
  }

  private async spawn(index: number): Promise<WorkerSlot> {
    const { config } = this;
    const worker = await mediasoup.createWorker({
      logLevel: 'warn',
      rtcMinPort: config.rtcMinPort,
      rtcMaxPort: config.rtcMaxPort,
      ...(config.workerBin !== undefined ? { workerBin: config.workerBin } : {}),
      appData: { index },
    });
    const listen = (protocol: 'udp' | 'tcp'): types.TransportListenInfo => ({
      protocol,
      ip: config.listenIp,
      ...(config.announcedAddress !== undefined ? { announcedAddress: config.announcedAddress } : {}),
      // Port 0 (tests): let the worker pick from its range.
      ...(config.rtcPort > 0 ? { port: config.rtcPort + index } : {}),
    });
    let webRtcServer: types.WebRtcServer;
    try {
      webRtcServer = await worker.createWebRtcServer({ listenInfos: [listen('udp'), listen('tcp')] });
    } catch (error) {
      worker.close();
      throw error;
    }
    const slot: WorkerSlot = this.slots[index] ?? { index, worker, webRtcServer, consumers: new Set() };
    slot.worker = worker;
    slot.webRtcServer = webRtcServer;
    slot.consumers = new Set();
    worker.on('died', (error) => this.onDied(slot, worker, error));
    this.log.info({ worker: index, pid: worker.pid }, 'mediasoup worker started');
    return slot;
  }

  private onDied(slot: WorkerSlot, worker: types.Worker, error: Error): void {
    if (this.closed || slot.worker !== worker) return;
    this.log.error(
      { worker: slot.index, pid: worker.pid, err: error },
      'mediasoup worker died; replacing it',
    );
    const replacing = this.replace(slot);
    this.restarting.set(slot.index, replacing);
    this.emit('died', slot);
  }

  private async replace(slot: WorkerSlot): Promise<void> {
    // Retry until it works: a worker that cannot start at all is an operator problem the log shows.
    for (let attempt = 1; !this.closed; attempt += 1) {
      try {
        await this.spawn(slot.index);
        this.restarting.delete(slot.index);
        this.emit('replaced', slot);
        return;
      } catch (error) {
        this.log.error({ worker: slot.index, attempt, err: error }, 'worker replacement failed');
        await new Promise((resolve) => setTimeout(resolve, Math.min(5000, 250 * attempt)));
      }
    }
    this.restarting.delete(slot.index);
  }
}
