import { ParleyError } from '../../errors/index.js';
import type { ProtocolAddress } from '../../crypto/index.js';
import { toBase64Url } from '../../protocol/encoding.js';
import type { Content } from '../messaging/content.js';
import type { EngineContext } from '../context.js';
import type { StatusUpdate } from './types.js';

/** How long a status lives, everywhere. */
export const STATUS_LIFETIME_MS = 24 * 60 * 60 * 1000;

const BACKGROUND = /^#[0-9a-f]{6}$/u;

const key = (author: string, statusId: string) => `status:${author}:${statusId}`;

/**
 * 24-hour statuses: sent end-to-end to the contacts the author chose, kept until they expire on every
 * device (each device sweeps by its own clock against the author's `expiresAt`), with viewed-by receipts.
 */
export class StatusManager {
  constructor(private readonly ctx: EngineContext) {}

  async post(options: {
    text?: string;
    image?: Uint8Array;
    /** Background colour of a text status, `#rrggbb` (lower case). */
    background?: string;
    to: readonly string[];
  }): Promise<StatusUpdate> {
    if (options.text === undefined && options.image === undefined) {
      throw new ParleyError('BAD_REQUEST', 'a status needs text or an image');
    }
    if (options.background !== undefined && !BACKGROUND.test(options.background)) {
      throw new ParleyError('BAD_REQUEST', 'a status background is a colour like #1f7a5c');
    }
    const postedAt = this.ctx.now();
    const status: StatusUpdate = {
      statusId: this.ctx.newId(),
      author: this.ctx.self.name,
      ...(options.text === undefined ? {} : { text: options.text }),
      ...(options.image === undefined ? {} : { image: toBase64Url(options.image) }),
      ...(options.background === undefined ? {} : { background: options.background }),
      postedAt,
      expiresAt: postedAt + STATUS_LIFETIME_MS,
      viewedBy: [],
      audience: [...options.to],
    };
    await this.ctx.state.put(key(status.author, status.statusId), status);
    // Every device of each viewer (linked devices).
    const recipients: ProtocolAddress[] = this.ctx.devices.fanOut(options.to);
    if (recipients.length > 0) {
      await this.ctx.sendControl(recipients, {
        type: 'status',
        statusId: status.statusId,
        ...(status.text === undefined ? {} : { text: status.text }),
        ...(status.image === undefined ? {} : { image: status.image }),
        ...(status.background === undefined ? {} : { background: status.background }),
        expiresAt: status.expiresAt,
      });
    }
    return status;
  }

  /** Statuses not yet expired, own and received, newest first. */
  async list(): Promise<StatusUpdate[]> {
    const now = this.ctx.now();
    const all: StatusUpdate[] = [];
    for (const name of await this.ctx.state.keys('status:')) {
      const status = (await this.ctx.state.get(name)) as StatusUpdate | undefined;
      if (status !== undefined && status.expiresAt > now) all.push(status);
    }
    return all.sort((a, b) => b.postedAt - a.postedAt);
  }

  /** Tells the author we saw their status, and remembers it here (`seen`) for the ring around them. */
  async markViewed(author: string, statusId: string): Promise<void> {
    const status = (await this.ctx.state.get(key(author, statusId))) as StatusUpdate | undefined;
    if (status === undefined) throw new ParleyError('NOT_FOUND', 'no such status');
    if (status.seen !== true) await this.ctx.state.put(key(author, statusId), { ...status, seen: true });
    await this.ctx.sendControl(this.ctx.devices.fanOut([author]), {
      type: 'status-view',
      statusId,
    });
  }

  /**
   * Deletes one of our statuses here and, through an encrypted control message to everyone it was sent to,
   * on their devices. Only the author can: a viewer's copy is keyed by the sender that delivered it.
   */
  async delete(statusId: string): Promise<void> {
    this.ctx.assertOpen();
    const name = key(this.ctx.self.name, statusId);
    const status = (await this.ctx.state.get(name)) as StatusUpdate | undefined;
    if (status === undefined) throw new ParleyError('NOT_FOUND', 'no such status of yours');
    // Statuses posted before the audience was kept went to contacts: tell every contact.
    const audience = status.audience ?? (await this.ctx.db.contacts.list()).map((c) => c.account);
    // Sent before the local copy goes, so a crash in between leaves it shown, never shown elsewhere only.
    if (audience.length > 0) {
      await this.ctx.sendControl(this.ctx.devices.fanOut(audience), { type: 'status-delete', statusId });
    }
    await this.ctx.state.delete(name);
    this.ctx.emit('status-deleted', { statusId, author: status.author });
  }

  async receive(sender: ProtocolAddress, content: Content): Promise<void> {
    const body = content.body;
    if (body.type === 'status') {
      // Never longer than a day from when it was sent, whatever the sender claims.
      const expiresAt = Math.min(body.expiresAt, content.sentAt + STATUS_LIFETIME_MS);
      if (expiresAt <= this.ctx.now()) return;
      const status: StatusUpdate = {
        statusId: body.statusId,
        author: sender.name,
        ...(body.text === undefined ? {} : { text: body.text }),
        ...(body.image === undefined ? {} : { image: body.image }),
        ...(body.background === undefined ? {} : { background: body.background }),
        postedAt: content.sentAt,
        expiresAt,
        viewedBy: [],
      };
      await this.ctx.state.put(key(sender.name, body.statusId), status);
      this.ctx.emit('status', status);
    } else if (body.type === 'status-view') {
      const name = key(this.ctx.self.name, body.statusId);
      const status = (await this.ctx.state.get(name)) as StatusUpdate | undefined;
      if (status === undefined || status.viewedBy.includes(sender.name)) return;
      await this.ctx.state.put(name, { ...status, viewedBy: [...status.viewedBy, sender.name] });
      this.ctx.emit('status-viewed', { statusId: body.statusId, viewer: sender.name });
    } else if (body.type === 'status-delete') {
      // Keyed by the sender's own account: nobody but the author can take it down.
      const name = key(sender.name, body.statusId);
      if ((await this.ctx.state.get(name)) === undefined) return;
      await this.ctx.state.delete(name);
      this.ctx.emit('status-deleted', { statusId: body.statusId, author: sender.name });
    }
  }

  /** Forgets expired statuses. */
  async sweep(): Promise<void> {
    const now = this.ctx.now();
    for (const name of await this.ctx.state.keys('status:')) {
      const status = (await this.ctx.state.get(name)) as StatusUpdate | undefined;
      if (status === undefined || status.expiresAt > now) continue;
      await this.ctx.state.delete(name);
      this.ctx.emit('status-expired', { statusId: status.statusId });
    }
  }
}
