import type { EngineContext } from '../context.js';
import type { GroupManager } from '../groups/group-manager.js';
import { recordDeviceLine, type DeviceChange } from './device-lines.js';

/**
 * What follows when a verified device list with a higher counter is kept (docs/crypto.md "Linked
 * devices"): sessions with removed devices are dropped (nothing more is encrypted to them, nothing more
 * from them decrypts), the contact's device ids follow the list, our group sender keys go to new devices
 * or are rotated away from removed ones, and a contact's conversation shows a line. Safety numbers and
 * verification stay on the account key and do not change.
 */
export class DeviceChanges {
  constructor(
    private readonly ctx: EngineContext,
    private readonly groups: GroupManager,
  ) {}

  async apply(change: DeviceChange): Promise<void> {
    const { account, added, removed } = change;
    for (const deviceId of removed) await this.ctx.db.sessions.deleteSession({ name: account, deviceId });
    if (removed.length > 0) await this.#dropPending(account, removed);
    const contact = await this.ctx.db.contacts.get(account);
    if (contact !== undefined) {
      const deviceIds = this.ctx.devices.deviceIds(account);
      await this.ctx.db.contacts.put({ ...contact, deviceIds });
      if (added.length > 0 || removed.length > 0)
        await recordDeviceLine(this.ctx.db.messages, change, this.ctx.now());
    }
    if (added.length > 0 || removed.length > 0) {
      await this.groups.devicesChanged(account, added, removed.length > 0);
    }
    this.ctx.emit('devices', { account, added: [...added], removed: [...removed] });
  }

  /** What still waits in the outbox for a removed device never leaves (it could not be encrypted anyway). */
  async #dropPending(account: string, removed: readonly number[]): Promise<void> {
    for (const id of await this.ctx.db.outbox.pendingIds(Number.POSITIVE_INFINITY)) {
      const entry = await this.ctx.db.outbox.get(id);
      if (entry?.recipient.name === account && removed.includes(entry.recipient.deviceId)) {
        await this.ctx.db.outbox.remove(id);
      }
    }
  }
}
