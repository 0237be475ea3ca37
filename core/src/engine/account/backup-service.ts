import type { EngineContext } from '../context.js';
import { sealBackup, type BackupCrypto } from './backup.js';

/** `client.backup`: an encrypted export of this device (`ParleyClient.importBackup` restores it). */
export class BackupService {
  constructor(
    private readonly ctx: EngineContext,
    /** Resolves once the outbox has nothing in flight or due now. */
    private readonly settled: () => Promise<void>,
  ) {}

  /**
   * An encrypted backup of everything this device keeps (identity, sessions, prekeys, contacts,
   * conversations, messages, groups and engine state), under a passphrase. Restore it with
   * `ParleyClient.importBackup`; this device must then stop being used (its ratchet state moved).
   */
  async export(passphrase: string, options: BackupCrypto = {}): Promise<Uint8Array> {
    this.ctx.assertOpen();
    // Receipts still coalescing would otherwise be sealed and sent after the snapshot, using ratchet
    // message keys the restored device then uses again for other content (which its contact drops).
    await this.ctx.receipts.flush();
    await this.settled();
    return sealBackup(await this.ctx.db.snapshot(), passphrase, {
      randomBytes: this.ctx.crypto.randomBytes,
      ...options,
    });
  }
}
