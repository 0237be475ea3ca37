import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import type { RoomRegistry } from '../rooms/registry.node.js';
import type { WorkerPool } from '../workers/pool.node.js';

/**
 * Prometheus metrics, one registry per SFU instance. Room, peer, producer and consumer counts and each
 * worker's CPU time are read on scrape from the live objects, so they can never drift from the truth.
 */
export function createMetrics(pool: WorkerPool, rooms: RoomRegistry) {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const count = () => {
    const totals = { rooms: 0, peers: 0, producers: 0, consumers: 0 };
    for (const room of rooms.all()) {
      totals.rooms += 1;
      for (const peer of room.peers.values()) {
        totals.peers += 1;
        totals.producers += peer.producers.size;
        totals.consumers += peer.consumers.size;
      }
    }
    return totals;
  };
  const gauge = (name: string, help: string, key: 'rooms' | 'peers' | 'producers' | 'consumers') =>
    new Gauge({
      name,
      help,
      registers: [registry],
      collect() {
        this.set(count()[key]);
      },
    });
  gauge('parley_sfu_rooms', 'Open rooms', 'rooms');
  gauge('parley_sfu_peers', 'Peers in rooms', 'peers');
  gauge('parley_sfu_producers', 'Producers (sent tracks)', 'producers');
  gauge('parley_sfu_consumers', 'Consumers (received tracks)', 'consumers');
  new Gauge({
    name: 'parley_sfu_worker_cpu_seconds',
    help: 'CPU time (user + system) a mediasoup worker process has used',
    labelNames: ['worker'] as const,
    registers: [registry],
    async collect() {
      await Promise.all(
        pool.all().map(async (slot) => {
          try {
            const usage = await slot.worker.getResourceUsage();
            this.set({ worker: String(slot.index) }, (usage.ru_utime + usage.ru_stime) / 1000);
          } catch {
            // A worker being replaced has no usage to report this scrape.
          }
        }),
      );
    },
  });
  new Gauge({
    name: 'parley_sfu_worker_consumers',
    help: 'Consumers on each mediasoup worker (what spreads a growing room)',
    labelNames: ['worker'] as const,
    registers: [registry],
    collect() {
      for (const slot of pool.all()) this.set({ worker: String(slot.index) }, slot.consumers.size);
    },
  });
  return {
    registry,
    events: new Counter({
      name: 'parley_sfu_events_total',
      help: 'Signalling requests handled, by event and outcome',
      labelNames: ['event', 'outcome'] as const,
      registers: [registry],
    }),
    workerDeaths: new Counter({
      name: 'parley_sfu_worker_deaths_total',
      help: 'mediasoup workers that died and were replaced',
      registers: [registry],
    }),
  };
}

export type SfuMetrics = ReturnType<typeof createMetrics>;
