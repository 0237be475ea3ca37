import { inTransaction, type StorageContext } from '../context.js';
import type { Contact, Conversation } from '../types.js';

export class ContactRepository {
  constructor(private readonly context: StorageContext) {}

  async get(account: string): Promise<Contact | undefined> {
    return this.context.db.get('contacts', account);
  }

  async list(): Promise<Contact[]> {
    return this.context.db.getAll('contacts');
  }

  async put(contact: Contact): Promise<void> {
    await inTransaction(this.context.write(['contacts']), async (tx) => {
      await tx.objectStore('contacts').put({ ...contact, deviceIds: [...contact.deviceIds] });
    });
  }

  async remove(account: string): Promise<void> {
    await inTransaction(this.context.write(['contacts']), async (tx) => {
      await tx.objectStore('contacts').delete(account);
    });
  }
}

export class ConversationRepository {
  constructor(private readonly context: StorageContext) {}

  async get(id: string): Promise<Conversation | undefined> {
    return this.context.db.get('conversations', id);
  }

  async put(conversation: Conversation): Promise<void> {
    await inTransaction(this.context.write(['conversations']), async (tx) => {
      await tx.objectStore('conversations').put({ ...conversation, members: [...conversation.members] });
    });
  }

  /** Most recently active first, read from the byLastActivity index (no scan of the others). */
  async listRecent(limit = 100): Promise<Conversation[]> {
    const tx = this.context.read(['conversations']);
    return inTransaction(tx, async () => {
      const found: Conversation[] = [];
      let cursor = await tx.objectStore('conversations').index('byLastActivity').openCursor(null, 'prev');
      while (cursor && found.length < limit) {
        found.push(cursor.value);
        if (found.length < limit) cursor = await cursor.continue();
      }
      return found;
    });
  }

  /**
   * Read-modify-write of one conversation in one transaction (so a message inserted meanwhile is not undone).
   * Returns the stored record, or undefined if there is no such conversation.
   */
  async update(
    id: string,
    change: (conversation: Conversation) => Conversation,
  ): Promise<Conversation | undefined> {
    return inTransaction(this.context.write(['conversations']), async (tx) => {
      const store = tx.objectStore('conversations');
      const conversation = await store.get(id);
      if (conversation === undefined) return undefined;
      const next = change(conversation);
      await store.put({ ...next, members: [...next.members] });
      return next;
    });
  }

  async markRead(id: string): Promise<void> {
    await inTransaction(this.context.write(['conversations']), async (tx) => {
      const store = tx.objectStore('conversations');
      const conversation = await store.get(id);
      if (conversation !== undefined) await store.put({ ...conversation, unreadCount: 0 });
    });
  }

  async remove(id: string): Promise<void> {
    await inTransaction(this.context.write(['conversations']), async (tx) => {
      await tx.objectStore('conversations').delete(id);
    });
  }
}
