import { ParleyError, isParleyError } from '../../errors/index.js';
import {
  acceptDeviceList,
  parseIdentityString,
  verifyDeviceList,
  type CryptoBackend,
  type ProtocolAddress,
  type VerifiedDeviceList,
} from '../../crypto/index.js';
import { PRIMARY_DEVICE_ID } from '../../protocol/devices.js';
import { toBase64Url } from '../../protocol/encoding.js';
import type { ClientDatabase } from '../../storage/index.js';
import type { RelayConnection } from '../relay/relay-connection.js';
import { equalBytes } from '../shared/bytes.js';
import type { DeviceChange } from './device-lines.js';

export interface DirectoryDeps {
  readonly db: ClientDatabase;
  readonly backend: CryptoBackend;
  readonly self: ProtocolAddress;
  /** This device's own identity key: what our account's list must name for us to speak for it. */
  readonly selfKey: Uint8Array;
  now(): number;
  relayFor(account: string): RelayConnection;
  /** A list with a higher counter was accepted: what it added and removed. */
  changed(change: DeviceChange): Promise<void>;
  report(error: unknown): void;
}

/**
 * The device lists this device has verified (docs/crypto.md "Linked devices"): who each account's devices
 * are, kept in memory and on disk (the `deviceLists` store, migration 006), and fetched from the relay on use
 * when older than `ttlMs` (fan-out and bundle fetches ask first), or at once when a device we do not know
 * speaks. Only a list with a higher counter replaces the kept one (`acceptDeviceList`): a relay serving an
 * old list is refused. An account without a list has one device, the primary, as before linked devices.
 */
export class DeviceDirectory {
  readonly #lists = new Map<string, VerifiedDeviceList>();
  readonly #lastSeen = new Map<string, Record<string, number>>();
  readonly #checkedAt = new Map<string, number>();
  readonly #fetching = new Map<string, Promise<void>>();

  constructor(
    private readonly deps: DirectoryDeps,
    private readonly ttlMs: number,
  ) {}

  /** Loads the kept lists; each is verified again, so a row altered on disk is dropped, not trusted. */
  async load(): Promise<void> {
    for (const row of await this.deps.db.deviceLists.all()) {
      try {
        const list = verifyDeviceList(this.deps.backend, row.list, parseIdentityString(row.account));
        this.#lists.set(row.account, list);
        this.#lastSeen.set(row.account, { ...row.lastSeen });
      } catch (error) {
        this.deps.report(error);
      }
    }
  }

  /** The account's verified list, if it has one. */
  list(account: string): VerifiedDeviceList | undefined {
    return this.#lists.get(account);
  }

  /** The account's device ids, ascending: the listed ones, or the primary alone. */
  deviceIds(account: string): number[] {
    return this.#lists.get(account)?.devices.map((device) => device.deviceId) ?? [PRIMARY_DEVICE_ID];
  }

  /** When each of the account's devices was last heard from (ms, by device id). */
  lastSeen(account: string): Readonly<Record<string, number>> {
    return this.#lastSeen.get(account) ?? {};
  }

  /**
   * Every device of `accounts` except this one: who a message to them goes to. Our own account, when
   * listed, brings our other devices (so what we send shows on them too).
   */
  fanOut(accounts: readonly string[]): ProtocolAddress[] {
    const out: ProtocolAddress[] = [];
    for (const name of new Set(accounts)) {
      for (const deviceId of this.deviceIds(name)) {
        if (name === this.deps.self.name && deviceId === this.deps.self.deviceId) continue;
        out.push({ name, deviceId });
      }
    }
    return out;
  }

  /** This account's other devices. */
  ownDevices(): ProtocolAddress[] {
    return this.fanOut([this.deps.self.name]);
  }

  /** The relay identity (the device's own identity key) that receives blobs for `address`. */
  relayIdentity(address: ProtocolAddress): string {
    if (address.deviceId === PRIMARY_DEVICE_ID) return toBase64Url(parseIdentityString(address.name));
    const listed = this.#lists.get(address.name)?.devices.find((d) => d.deviceId === address.deviceId);
    if (listed === undefined) {
      throw new ParleyError('UNTRUSTED_IDENTITY', `device ${address.deviceId} is not in the account's list`);
    }
    return toBase64Url(listed.identityKey);
  }

  /**
   * Fetches the account's list when the kept one is older than the TTL (or always, with `force`). A relay
   * that has none, or cannot be reached, leaves what is kept; a list that fails verification or rolls back
   * is reported and refused.
   */
  async refresh(account: string, force = false): Promise<void> {
    const checked = this.#checkedAt.get(account);
    if (!force && checked !== undefined && this.deps.now() - checked < this.ttlMs) return;
    return this.#refreshNow(account, false);
  }

  /**
   * Before a linked device sends anything as its account, the account's list must still name it. Checked
   * once per TTL, and first of all after every start, waiting for the relay if need be: a device unlinked
   * while it was off learns it here before anything of it leaves ('devices' names it as removed).
   * UNAVAILABLE while that first check could not be made (the send is retried), UNTRUSTED_IDENTITY once the
   * list no longer names this device.
   */
  async assertSelfListed(): Promise<void> {
    const { self, selfKey } = this.deps;
    if (self.deviceId === PRIMARY_DEVICE_ID) return;
    if (this.#checkedAt.has(self.name)) await this.refresh(self.name);
    else await this.#refreshNow(self.name, true);
    if (!this.#checkedAt.has(self.name))
      throw new ParleyError('UNAVAILABLE', "this account's device list could not be checked yet");
    const listed = this.#lists
      .get(self.name)
      ?.devices.some((d) => d.deviceId === self.deviceId && equalBytes(d.identityKey, selfKey));
    if (listed !== true)
      throw new ParleyError('UNTRUSTED_IDENTITY', 'this device was unlinked from its account');
  }

  /** One fetch of the account's list at a time; `wait` waits for a relay that is still connecting. */
  #refreshNow(account: string, wait: boolean): Promise<void> {
    const running = this.#fetching.get(account);
    if (running !== undefined) return running;
    const fetching = this.#fetch(account, wait).finally(() => this.#fetching.delete(account));
    this.#fetching.set(account, fetching);
    return fetching;
  }

  async #fetch(account: string, wait: boolean): Promise<void> {
    let signed: unknown;
    const relay = this.deps.relayFor(account);
    // Offline: what is kept serves (a request would wait for the connection).
    if (!wait && !relay.ready) return;
    try {
      signed = (await relay.request('devices:fetch', { account: toBase64Url(parseIdentityString(account)) }))
        .list;
    } catch (error) {
      // None published: one device. Unreachable: keep what we have and ask again next time.
      if (isParleyError(error, 'NOT_FOUND')) this.#checkedAt.set(account, this.deps.now());
      return;
    }
    this.#checkedAt.set(account, this.deps.now());
    try {
      await this.accept(account, signed);
    } catch (error) {
      this.deps.report(error);
    }
  }

  /**
   * Verifies `signed` as `account`'s list and keeps it when its counter is higher than the kept one's
   * (UNTRUSTED_IDENTITY for another account's list, a rollback or a fork). Resolves the change it made.
   */
  async accept(account: string, signed: unknown): Promise<DeviceChange | undefined> {
    const fetched = verifyDeviceList(this.deps.backend, signed, parseIdentityString(account));
    const kept = this.#lists.get(account);
    const next = acceptDeviceList(kept, fetched);
    if (next === kept) return undefined;
    const lastSeen = this.#lastSeen.get(account) ?? {};
    await this.deps.db.deviceLists.put(account, next.signed, lastSeen);
    this.#lists.set(account, next);
    this.#lastSeen.set(account, lastSeen);
    const before = kept?.devices ?? [];
    const listedAs = (devices: typeof before, device: (typeof before)[number]) =>
      devices.some((d) => d.deviceId === device.deviceId && equalBytes(d.identityKey, device.identityKey));
    const change: DeviceChange = {
      account,
      counter: next.counter,
      added: next.devices
        .filter((device) => device.deviceId !== PRIMARY_DEVICE_ID && !listedAs(before, device))
        .map((device) => device.deviceId),
      removed: before.filter((device) => !listedAs(next.devices, device)).map((device) => device.deviceId),
    };
    await this.deps.changed(change);
    return change;
  }

  /**
   * A device of `address.name` speaks with `identityKey`: the primary must be the account key; another
   * device must be listed under that key in a list no older than the TTL (fetched first when it is older,
   * or not fetched since this client started: a list kept on disk may name a device unlinked while we were
   * off), and a device we do not know makes us fetch the list again (it may have been linked since).
   * UNTRUSTED_IDENTITY when it is still not listed.
   */
  async ensureListed(address: ProtocolAddress, identityKey: Uint8Array): Promise<void> {
    if (address.deviceId === PRIMARY_DEVICE_ID) {
      if (!equalBytes(parseIdentityString(address.name), identityKey))
        throw new ParleyError('UNTRUSTED_IDENTITY', 'primary device under another key than the account');
      return;
    }
    const isListed = () =>
      this.#lists
        .get(address.name)
        ?.devices.some((d) => d.deviceId === address.deviceId && equalBytes(d.identityKey, identityKey)) ===
      true;
    await this.refresh(address.name);
    if (!isListed()) await this.refresh(address.name, true);
    if (!isListed()) {
      throw new ParleyError(
        'UNTRUSTED_IDENTITY',
        `device ${address.deviceId} of ${address.name.slice(0, 12)}… is not in its signed device list`,
      );
    }
  }

  /**
   * Which device of `account` speaks with `identityKey` (a linked device's signal names only its key and the
   * account it claims): the list is refreshed as for a fan-out (TTL), and fetched again once when the key is
   * not in it (linked since); `fresh` fetches it first whatever its age (a new link: no window for a device
   * unlinked within the TTL). UNTRUSTED_IDENTITY when the account's verified list does not name the key.
   */
  async deviceWithKey(account: string, identityKey: Uint8Array, fresh = false): Promise<number> {
    const find = () =>
      this.#lists.get(account)?.devices.find((device) => equalBytes(device.identityKey, identityKey))
        ?.deviceId;
    if (equalBytes(parseIdentityString(account), identityKey)) return PRIMARY_DEVICE_ID;
    await this.refresh(account, fresh);
    const listed = find() ?? (fresh ? undefined : (await this.refresh(account, true), find()));
    if (listed === undefined) {
      throw new ParleyError(
        'UNTRUSTED_IDENTITY',
        `a device of ${account.slice(0, 12)}… that its signed device list does not name`,
      );
    }
    return listed;
  }

  /** Heard from `address` (the primary drops own devices unseen for 30 days). Kept in memory; saved on change. */
  async seen(address: ProtocolAddress): Promise<void> {
    const list = this.#lists.get(address.name);
    if (list === undefined) return;
    const lastSeen = this.#lastSeen.get(address.name) ?? {};
    const now = this.deps.now();
    const before = lastSeen[String(address.deviceId)] ?? 0;
    lastSeen[String(address.deviceId)] = now;
    this.#lastSeen.set(address.name, lastSeen);
    // Saved at most once an hour per device: a day's resolution is what the 30-day rule needs.
    if (now - before > 60 * 60 * 1000)
      await this.deps.db.deviceLists.put(address.name, list.signed, lastSeen);
  }
}
