import { ParleyError } from '../../errors/index.js';
import { nextCounter, signDeviceList, unseenDevices, type VerifiedDeviceList } from '../../crypto/index.js';
import { MAX_ACCOUNT_DEVICES, PRIMARY_DEVICE_ID, type SignedDeviceList } from '../../protocol/devices.js';
import { fromBase64Url, toBase64Url } from '../../protocol/encoding.js';
import type { DeviceListEntry } from '../../protocol/signed-messages.js';
import type { EngineContext } from '../context.js';
import type { RelayConnection } from '../relay/relay-connection.js';
import type { DeviceDirectory } from './device-directory.js';
import { encodeClear } from './linking/frames.js';
import { syncToOwnDevices } from './sync.js';
import { loadProfile, profileBody } from '../account/profile.js';

const HEARTBEAT_KEY = 'devices:heartbeat';
const HEARTBEAT_MS = 24 * 60 * 60 * 1000;

/** One device of this account, as `client.devices.list()` shows it. */
export interface AccountDevice {
  readonly deviceId: number;
  /** The device's own identity key (base64url); the primary's is the account key. */
  readonly identityKey: string;
  readonly addedAt: number;
  /** When this device last heard from it (ms), if ever; this device itself is "now". */
  readonly lastSeen?: number;
  readonly current: boolean;
}

/**
 * `client.devices`: this account's linked devices (docs/crypto.md "Linked devices"). Only the primary
 * (device 1, which holds the account key) signs lists: `add` and `remove` sign and publish a new one with
 * a higher counter; every device, and every contact, learns it from the relay. The linking flow
 * (devices/linking) calls `add` with the new device's key once the person confirmed the short code, and
 * hands the returned list to the new device, which starts with `ParleyClient.start({ linkedDevice })`.
 */
export class DevicesService {
  constructor(
    private readonly ctx: EngineContext,
    private readonly directory: DeviceDirectory,
    private readonly home: () => RelayConnection,
  ) {}

  /** Whether this device is the primary (holds the account key and signs the list). */
  get isPrimary(): boolean {
    return this.ctx.self.deviceId === PRIMARY_DEVICE_ID;
  }

  /** This account's devices, ascending by id (the primary alone until one is linked). */
  async list(): Promise<AccountDevice[]> {
    this.ctx.assertOpen();
    await this.directory.refresh(this.ctx.self.name);
    const seen = this.directory.lastSeen(this.ctx.self.name);
    const devices = this.directory.list(this.ctx.self.name)?.devices ?? [
      { deviceId: PRIMARY_DEVICE_ID, identityKey: this.ctx.identity.identityKey, addedAt: 0 },
    ];
    return devices.map((device) => {
      const lastSeen = seen[String(device.deviceId)];
      return {
        deviceId: device.deviceId,
        identityKey: toBase64Url(device.identityKey),
        addedAt: device.addedAt,
        ...(lastSeen === undefined ? {} : { lastSeen }),
        current: device.deviceId === this.ctx.self.deviceId,
      };
    });
  }

  /** The signed list of another account's devices as this device has verified it (fetched if stale). */
  async listOf(account: string): Promise<SignedDeviceList | undefined> {
    this.ctx.assertOpen();
    await this.directory.refresh(account);
    return this.directory.list(account)?.signed;
  }

  /**
   * Adds a device by its identity key (base64url, from `ParleyClient.prepareLinkedDevice` on the new
   * device): signs and publishes a list naming it under the next free id. Primary only. CONFLICT when the
   * key is listed already, QUOTA_EXCEEDED beyond MAX_ACCOUNT_DEVICES.
   */
  async add(identityKey: string): Promise<{ deviceId: number; list: SignedDeviceList }> {
    this.ctx.assertOpen();
    const key = fromBase64Url(identityKey);
    const current = await this.#current();
    if (current.some((device) => toBase64Url(device.identityKey) === identityKey)) {
      throw new ParleyError('CONFLICT', 'that device is linked already');
    }
    if (current.length >= MAX_ACCOUNT_DEVICES) {
      throw new ParleyError('QUOTA_EXCEEDED', `an account has at most ${MAX_ACCOUNT_DEVICES} devices`);
    }
    const deviceId = Math.max(...current.map((device) => device.deviceId)) + 1;
    const list = await this.#publish([...current, { deviceId, identityKey: key, addedAt: this.ctx.now() }]);
    // The new device shows the same person: our profile waits for it on the relay.
    const profile = await loadProfile(this.ctx.state);
    if (profile !== undefined) {
      await this.ctx.sendControl([{ name: this.ctx.self.name, deviceId }], {
        type: 'sync',
        profile: profileBody(profile),
      });
    }
    return { deviceId, list: list.signed };
  }

  /** {@link add} for the linking flow: a key listed already keeps its id and the current list. */
  async addOrKeep(identityKey: Uint8Array): Promise<{ deviceId: number; list: SignedDeviceList }> {
    const key = toBase64Url(identityKey);
    const listed = (await this.#current()).find((device) => toBase64Url(device.identityKey) === key);
    const kept = this.directory.list(this.ctx.self.name);
    if (listed !== undefined && kept !== undefined) return { deviceId: listed.deviceId, list: kept.signed };
    return this.add(key);
  }

  /**
   * Unlinks a device: a new list without it. Every remaining device and every contact then stops
   * encrypting to it, drops its sessions and rotates their group sender keys. Primary only.
   */
  async remove(deviceId: number): Promise<SignedDeviceList> {
    this.ctx.assertOpen();
    if (deviceId === PRIMARY_DEVICE_ID)
      throw new ParleyError('BAD_REQUEST', 'the primary cannot be unlinked');
    const current = await this.#current();
    const removed = current.find((device) => device.deviceId === deviceId);
    if (removed === undefined) throw new ParleyError('NOT_FOUND', `no device ${deviceId}`);
    const list = await this.#publish(current.filter((device) => device.deviceId !== deviceId));
    await this.#tellUnlinked(removed.identityKey);
    return list.signed;
  }

  /**
   * Tells an unlinked device, if it is connected now, to fetch the list that no longer names it, so it
   * says so at once ('devices' names it as removed there). A device that is offline learns it from the
   * relay's list when it next starts. Best effort: the list is what counts, and it is published.
   */
  async #tellUnlinked(identityKey: Uint8Array): Promise<void> {
    try {
      await this.home().request('signal', {
        to: toBase64Url(identityKey),
        linkId: toBase64Url(this.ctx.crypto.randomBytes(16)),
        kind: 'device-link',
        data: { sealed: toBase64Url(encodeClear({ t: 'unlinked' })) },
      });
    } catch (error) {
      this.ctx.report(error);
    }
  }

  /**
   * Drops linked devices no device of ours has heard from for 30 days (UNSEEN_DEVICE_DROP_MS, the injected
   * clock), and reports them as 'devices-dropped' so the person sees a notice. Runs with the sweep; primary
   * only (others have nothing to sign with). Resolves the ids it dropped.
   */
  async dropUnseen(): Promise<number[]> {
    // Offline, nothing can be published (and a request would wait for the connection): next sweep.
    if (!this.isPrimary || !this.home().ready) return [];
    const list = this.directory.list(this.ctx.self.name);
    if (list === undefined) return [];
    const seen = new Map(
      Object.entries(this.directory.lastSeen(this.ctx.self.name)).map(([id, at]) => [Number(id), at]),
    );
    const dropped = unseenDevices(list, seen, this.ctx.now()).map((device) => device.deviceId);
    if (dropped.length === 0) return [];
    await this.#publish(list.devices.filter((device) => !dropped.includes(device.deviceId)));
    this.ctx.emit('devices-dropped', { deviceIds: dropped });
    return dropped;
  }

  /**
   * A linked device says it is alive to our other devices (an empty sync message) at most once a day, so
   * the primary does not drop a device that is on but quiet. Runs with the sweep.
   */
  async heartbeat(): Promise<void> {
    if (this.isPrimary) return;
    const last = await this.ctx.state.get(HEARTBEAT_KEY);
    const now = this.ctx.now();
    if (typeof last === 'number' && now - last < HEARTBEAT_MS) return;
    await syncToOwnDevices(this.ctx, {});
    await this.ctx.state.put(HEARTBEAT_KEY, now);
  }

  async #current(): Promise<DeviceListEntry[]> {
    if (!this.isPrimary) throw new ParleyError('ACCESS_DENIED', 'only the primary device signs the list');
    await this.directory.refresh(this.ctx.self.name, true);
    return [
      ...(this.directory.list(this.ctx.self.name)?.devices ?? [
        { deviceId: PRIMARY_DEVICE_ID, identityKey: this.ctx.identity.identityKey, addedAt: this.ctx.now() },
      ]),
    ];
  }

  async #publish(devices: readonly DeviceListEntry[]): Promise<VerifiedDeviceList> {
    const kept = this.directory.list(this.ctx.self.name);
    const list = signDeviceList(this.ctx.identity, nextCounter(kept), devices);
    await this.home().request('devices:publish', { list: list.signed });
    await this.directory.accept(this.ctx.self.name, list.signed);
    return list;
  }
}
