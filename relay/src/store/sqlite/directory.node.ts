import { ParleyError, type FetchedBundle, type PreKeyBundle, type SignedDeviceList } from '@parley/core';
import { refuseUnlessNewer } from '../device-lists.js';
import type { StoreLifecycle } from '../lifecycle.js';
import type { DirectoryStore } from '../types.js';
import type { SqliteDatabase, WriteQueue } from './database.node.js';

interface BundleRow {
  identity_dh_key: string;
  identity_dh_signature: string;
  signed_prekey_id: number;
  signed_prekey: string;
  signed_prekey_signature: string;
}

export class SqliteDirectoryStore implements DirectoryStore {
  readonly #statements;

  constructor(
    db: SqliteDatabase,
    private readonly queue: WriteQueue,
    private readonly lifecycle: StoreLifecycle,
  ) {
    this.#statements = {
      upsertBundle: db.prepare(
        `INSERT INTO prekey_bundles VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (identity) DO UPDATE SET identity_dh_key = excluded.identity_dh_key,
           identity_dh_signature = excluded.identity_dh_signature, signed_prekey_id = excluded.signed_prekey_id,
           signed_prekey = excluded.signed_prekey, signed_prekey_signature = excluded.signed_prekey_signature`,
      ),
      addPreKey: db.prepare('INSERT OR IGNORE INTO one_time_prekeys VALUES (?, ?, ?)'),
      countPreKeys: db
        .prepare('SELECT COUNT(*) FROM one_time_prekeys WHERE identity = ? AND public_key IS NOT NULL')
        .pluck(),
      bundle: db.prepare<[string], BundleRow>('SELECT * FROM prekey_bundles WHERE identity = ?'),
      firstPreKey: db.prepare<[string], { key_id: number; public_key: string }>(
        `SELECT key_id, public_key FROM one_time_prekeys WHERE identity = ? AND public_key IS NOT NULL
         ORDER BY key_id LIMIT 1`,
      ),
      spendPreKey: db.prepare(
        'UPDATE one_time_prekeys SET public_key = NULL WHERE identity = ? AND key_id = ?',
      ),
      ownerOf: db.prepare<[string], string>('SELECT identity FROM usernames WHERE username = ?').pluck(),
      releaseName: db.prepare('DELETE FROM usernames WHERE identity = ?'),
      reserveName: db.prepare('INSERT INTO usernames (username, identity) VALUES (?, ?)'),
      heldList: db.prepare<[string], { counter: number; signature: string; list: string }>(
        'SELECT counter, signature, list FROM device_lists WHERE account = ?',
      ),
      putList: db.prepare(
        `INSERT INTO device_lists VALUES (?, ?, ?, ?) ON CONFLICT (account) DO UPDATE SET
           counter = excluded.counter, signature = excluded.signature, list = excluded.list`,
      ),
    };
  }

  async publish(bundle: PreKeyBundle): Promise<number> {
    this.lifecycle.check();
    const s = this.#statements;
    return this.queue.run(() => {
      const spk = bundle.signedPreKey;
      s.upsertBundle.run(
        bundle.identityKey,
        bundle.identityDhKey,
        bundle.identityDhSignature,
        spk.keyId,
        spk.publicKey,
        spk.signature,
      );
      for (const key of bundle.oneTimePreKeys) s.addPreKey.run(bundle.identityKey, key.keyId, key.publicKey);
      return Number(s.countPreKeys.get(bundle.identityKey));
    });
  }

  async take(identity: string): Promise<{ bundle: FetchedBundle; remaining: number } | null> {
    this.lifecycle.check();
    const s = this.#statements;
    return this.queue.run(() => {
      const row = s.bundle.get(identity);
      if (!row) return null;
      const bundle: FetchedBundle = {
        identityKey: identity,
        identityDhKey: row.identity_dh_key,
        identityDhSignature: row.identity_dh_signature,
        signedPreKey: {
          keyId: row.signed_prekey_id,
          publicKey: row.signed_prekey,
          signature: row.signed_prekey_signature,
        },
      };
      const key = s.firstPreKey.get(identity);
      if (key) {
        s.spendPreKey.run(identity, key.key_id);
        bundle.oneTimePreKey = { keyId: key.key_id, publicKey: key.public_key };
      }
      return { bundle, remaining: Number(s.countPreKeys.get(identity)) };
    });
  }

  async setUsername(identity: string, username: string | null): Promise<void> {
    this.lifecycle.check();
    const s = this.#statements;
    await this.queue.run(() => {
      if (username !== null) {
        const owner = s.ownerOf.get(username);
        if (owner !== undefined && owner !== identity) {
          throw new ParleyError('USERNAME_TAKEN', `the username ${username} is taken`);
        }
      }
      s.releaseName.run(identity);
      if (username !== null) s.reserveName.run(username, identity);
    });
  }

  async resolveUsername(username: string): Promise<string | null> {
    this.lifecycle.check();
    return this.#statements.ownerOf.get(username) ?? null;
  }

  async remaining(identity: string): Promise<number | null> {
    this.lifecycle.check();
    if (!this.#statements.bundle.get(identity)) return null;
    return Number(this.#statements.countPreKeys.get(identity));
  }

  async publishDeviceList(list: SignedDeviceList): Promise<void> {
    this.lifecycle.check();
    const s = this.#statements;
    await this.queue.run(() => {
      const held = s.heldList.get(list.account);
      if (held) refuseUnlessNewer(held, list);
      if (held?.counter === list.counter) return;
      s.putList.run(list.account, list.counter, list.signature, JSON.stringify(list));
    });
  }

  async deviceList(account: string): Promise<SignedDeviceList | null> {
    this.lifecycle.check();
    const held = this.#statements.heldList.get(account);
    // Written by publishDeviceList from a list the relay had verified.
    return held ? (JSON.parse(held.list) as SignedDeviceList) : null;
  }
}
