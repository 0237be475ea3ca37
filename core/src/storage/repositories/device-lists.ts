import type { SignedDeviceList } from '../../protocol/devices.js';
import { inTransaction, type StorageContext } from '../context.js';
import type { DeviceListRow } from '../schema.js';

/**
 * The highest verified device list per account (docs/crypto.md "Linked devices") and when each listed device
 * was last seen. The engine verifies a list before `put` and again when it loads one (`all`), so a row
 * changed on disk is refused like one from the relay.
 */
export class DeviceListRepository {
  constructor(private readonly context: StorageContext) {}

  async get(account: string): Promise<DeviceListRow | undefined> {
    return this.context.db.get('deviceLists', account);
  }

  async all(): Promise<DeviceListRow[]> {
    return this.context.db.getAll('deviceLists');
  }

  async put(account: string, list: SignedDeviceList, lastSeen: Record<string, number>): Promise<void> {
    await inTransaction(this.context.write(['deviceLists']), async (tx) => {
      await tx.objectStore('deviceLists').put({ account, list, lastSeen: { ...lastSeen } });
    });
  }
}
