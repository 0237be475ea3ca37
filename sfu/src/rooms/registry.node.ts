import type { SfuConfig } from '../config.js';
import type { Logger } from '../ops/logger.node.js';
import type { Peer } from '../peers/peer.node.js';
import type { WorkerPool, WorkerSlot } from '../workers/pool.node.js';
import { Room } from './room.node.js';

/**
 * The open rooms by id. A room opens with its first peer and closes with its last. When a worker dies, every
 * room with a router on it closes and its peers are told to rejoin (`room:restart`); the next join opens the
 * room again on a live worker (or the replacement).
 */
export class RoomRegistry {
  private readonly rooms = new Map<string, Room>();
  private readonly opening = new Map<string, Promise<Room>>();

  constructor(
    private readonly pool: WorkerPool,
    private readonly config: SfuConfig,
    private readonly log: Logger,
  ) {
    pool.on('died', (slot) => this.onWorkerDied(slot));
  }

  /** The open room `id`, opened now if it is not. Concurrent first joins share one opening. */
  async open(id: string): Promise<Room> {
    const existing = this.rooms.get(id);
    if (existing && !existing.isClosed) return existing;
    let opening = this.opening.get(id);
    if (!opening) {
      opening = Room.open(id, this.pool, this.config, this.log).finally(() => this.opening.delete(id));
      this.opening.set(id, opening);
    }
    const room = await opening;
    this.rooms.set(id, room);
    return room;
  }

  get(id: string): Room | undefined {
    return this.rooms.get(id);
  }

  /** Takes the peer out of its room, and closes the room when it was the last one there. */
  leave(room: Room, peer: Peer): void {
    room.leave(peer);
    if (room.peers.size === 0 && this.rooms.get(room.id) === room) {
      this.rooms.delete(room.id);
      room.close();
      this.log.info({ room: room.id }, 'room closed (empty)');
    }
  }

  all(): Iterable<Room> {
    return this.rooms.values();
  }

  closeAll(): void {
    for (const room of this.rooms.values()) room.close();
    this.rooms.clear();
  }

  private onWorkerDied(slot: WorkerSlot): void {
    for (const room of [...this.rooms.values()]) {
      if (!room.usesSlot(slot)) continue;
      this.rooms.delete(room.id);
      const peers = room.close('worker-died');
      this.log.warn(
        { room: room.id, worker: slot.index, peers: peers.length },
        'room restarted: worker died',
      );
    }
  }
}
