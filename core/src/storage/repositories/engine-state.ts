import { inTransaction, type StorageContext } from '../context.js';
import type { EngineStateRow } from '../schema.js';

const META_ENGINE_STATE_IMPORTED = 'engineStateImported';

/**
 * The engine's state as JSON values by key (the engine's `EngineStateStore`), each value sealed with the key
 * wrapper: group members, admins, invite secrets and sender-key bookkeeping are as protected at rest as keys.
 */
export class EngineStateRepository {
  constructor(private readonly context: StorageContext) {}

  async get(key: string): Promise<unknown> {
    const row = await this.context.db.get('engineState', key);
    return row === undefined ? undefined : JSON.parse(await this.context.unwrapText(row.sealed));
  }

  async put(key: string, value: unknown): Promise<void> {
    const row = await this.seal({ key, value });
    await inTransaction(this.context.write(['engineState']), async (tx) => {
      await tx.objectStore('engineState').put(row);
    });
  }

  async delete(key: string): Promise<void> {
    await inTransaction(this.context.write(['engineState']), async (tx) => {
      await tx.objectStore('engineState').delete(key);
    });
  }

  /** Keys starting with `prefix`, sorted: one key range, not a scan of every key. */
  async keys(prefix: string): Promise<string[]> {
    const range = this.context.keyRange.bound(prefix, `${prefix}\uffff`);
    return this.context.db.getAllKeys('engineState', range as never);
  }

  /** Whether {@link importOnce} has run; true afterwards even if there was nothing to import. */
  async imported(): Promise<boolean> {
    return (await this.context.db.get('meta', META_ENGINE_STATE_IMPORTED)) !== undefined;
  }

  /**
   * Writes `entries` (state kept elsewhere before this table existed) and marks the import done, in one
   * transaction. A second call changes nothing, so values written since the first import are never overwritten
   * by the old copy (if deleting that copy failed after the import, say).
   */
  async importOnce(entries: readonly (readonly [string, unknown])[]): Promise<boolean> {
    const rows: EngineStateRow[] = [];
    for (const [key, value] of entries) rows.push(await this.seal({ key, value }));
    return inTransaction(this.context.write(['meta', 'engineState']), async (tx) => {
      const meta = tx.objectStore('meta');
      if ((await meta.get(META_ENGINE_STATE_IMPORTED)) !== undefined) return false;
      for (const row of rows) await tx.objectStore('engineState').put(row);
      await meta.put({ key: META_ENGINE_STATE_IMPORTED, value: this.context.now() });
      return true;
    });
  }

  /** The row `put` would write, for a caller that writes it inside its own transaction. */
  async seal({ key, value }: { key: string; value: unknown }): Promise<EngineStateRow> {
    return { key, sealed: await this.context.wrapText(JSON.stringify(value)) };
  }
}
