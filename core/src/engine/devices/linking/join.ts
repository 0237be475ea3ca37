import { verifyDeviceList } from '../../../crypto/devices/index.js';
import { equalBytes } from '../../../crypto/bytes.js';
import { identityString } from '../../../crypto/index.js';
import { ParleyError } from '../../../errors/index.js';
import { fromBase64Url, toBase64Url } from '../../../protocol/encoding.js';
import { HistoryReceiver } from '../history/transfer.js';
import { loadCheckpoint } from '../history/import.js';
import { DeviceLinkChannel } from './channel.js';
import { LinkFlow } from './link-flow.js';
import { decodeClear, encodeClear } from './frames.js';
import { deriveKeys, makeHello, verifyAccept, type HandshakeMode } from './handshake.js';
import type { LinkPayload } from './payload.js';
import { LINKED_ACCOUNT_KEY, type LinkedAccountRecord, type LinkingDeps } from './types.js';
import type { AcceptMessage, BoxedMessage, WelcomeMessage } from './wire.js';

interface JoinTarget {
  readonly mode: HandshakeMode;
  readonly id: string;
  /** The account key (base64url), the host's identity and relay. */
  readonly account: string;
  readonly host: string;
  readonly relay: string;
  readonly secret: Uint8Array;
  /** First link: the payload's commit and host key. */
  readonly commit?: Uint8Array;
  readonly hostKey?: Uint8Array;
  /** A resume's purpose: the rest of the history, or a channel for fetching files (devices/attachments). */
  readonly purpose?: 'history' | 'files';
}

/**
 * The new device's side ("Link to an existing account"): sends the hello made from the payload, shows the
 * short code once the existing device answers, and — only if the person confirms there — receives the
 * account's list, its id, and the history. `LinkJoin.resume` picks an interrupted history transfer up from
 * its checkpoint on a new channel.
 */
export class LinkJoin extends LinkFlow {
  #channel: DeviceLinkChannel | undefined;
  #receiver: HistoryReceiver | undefined;
  #ephemeralSecret: Uint8Array | undefined;
  #transcript: Uint8Array | undefined;
  #shortCode: string | undefined;

  private constructor(
    private readonly deps: LinkingDeps,
    private readonly target: JoinTarget,
  ) {
    super();
  }

  static fromPayload(deps: LinkingDeps, payload: LinkPayload): LinkJoin {
    return new LinkJoin(deps, {
      mode: 'link',
      id: payload.id,
      account: payload.account,
      host: payload.host,
      relay: payload.relay,
      secret: fromBase64Url(payload.secret),
      commit: fromBase64Url(payload.commit),
      hostKey: fromBase64Url(payload.key),
    });
  }

  /**
   * A new channel to the host this device was linked by: for the rest of the history, or (`'files'`) left
   * open once accepted, for fetching the moved history's files.
   */
  static resume(
    deps: LinkingDeps,
    record: LinkedAccountRecord,
    purpose: 'history' | 'files' = 'history',
  ): LinkJoin {
    return new LinkJoin(deps, {
      purpose,
      mode: 'resume',
      id: toBase64Url(deps.randomBytes(16)),
      account: record.list.account,
      host: record.host,
      relay: record.relay,
      secret: fromBase64Url(record.resumeSecret),
    });
  }

  get id(): string {
    return this.target.id;
  }

  get host(): string {
    return this.target.host;
  }

  get shortCode(): string | undefined {
    return this.#shortCode;
  }

  get channel(): DeviceLinkChannel | undefined {
    return this.#channel;
  }

  /**
   * Sends the hello. Returns at once, so the caller's listeners are on before the answer can arrive (it may
   * come back before the relay's ack of the hello does); a hello the relay could not deliver is an 'error'.
   */
  start(): void {
    this.#hello().catch((error: unknown) => this.fail(error));
  }

  async #hello(): Promise<void> {
    const { deps, target } = this;
    const made = makeHello(deps.backend, deps.randomBytes, deps.identity, {
      mode: target.mode,
      id: target.id,
      account: target.account,
      host: target.host,
      secret: target.secret,
      ...(target.commit === undefined ? {} : { commit: target.commit }),
    });
    this.#ephemeralSecret = made.ephemeralSecret;
    this.#transcript = made.transcript;
    await deps.sendSignal(target.host, target.id, encodeClear(made.hello));
  }

  /** A device-link frame from the relay for this attempt's id. Only the host's are looked at. */
  handleFrame(from: string, frame: Uint8Array): void {
    if (from !== this.target.host) return;
    const clear = decodeClear(frame);
    if (clear === undefined) {
      this.#channel?.receiveRelay(frame);
      return;
    }
    if (this.#channel !== undefined || this.phase !== 'waiting') return;
    if (clear.t === 'refused') {
      this.fail(new ParleyError(clear.code, `the existing device refused: ${clear.message}`));
      return;
    }
    if (clear.t === 'accept') this.#accept(clear);
  }

  close(): void {
    this.#channel?.close();
    if (this.phase !== 'done' && this.phase !== 'declined') this.fail(new ParleyError('CLOSED', 'closed'));
  }

  #accept(accept: AcceptMessage): void {
    const { deps, target } = this;
    const th = this.#transcript;
    const ephemeralSecret = this.#ephemeralSecret;
    if (th === undefined || ephemeralSecret === undefined) return;
    const hostKey = target.hostKey ?? (accept.key === undefined ? undefined : fromBase64Url(accept.key));
    if (hostKey === undefined || (target.mode === 'link' && accept.key !== undefined)) {
      this.fail(new ParleyError('DECRYPT_FAILED', 'device link: an answer with the wrong keys'));
      return;
    }
    let keys: ReturnType<typeof deriveKeys>;
    try {
      const nonce = verifyAccept(deps.backend, accept, target.secret, th, hostKey, target.commit);
      keys = deriveKeys(
        deps.backend,
        deps.backend.x25519(ephemeralSecret, hostKey),
        target.secret,
        th,
        hostKey,
        nonce,
      );
    } catch (error) {
      this.fail(error);
      return;
    }
    const channel = new DeviceLinkChannel(
      'joiner',
      keys,
      {
        sendRelay: (frame) => deps.sendSignal(target.host, target.id, frame),
        wrtc: deps.wrtc,
        iceServers: deps.iceServers(),
        timers: deps.timers,
        directTimeoutMs: deps.directTimeoutMs,
      },
      deps.backend,
    );
    this.#channel = channel;
    channel.on('message', (message) => void this.#onMessage(channel, message));
    channel.on('close', ({ error }) => {
      if (this.phase === 'done' || this.phase === 'declined') return;
      this.fail(error ?? new ParleyError('CLOSED', 'the existing device went away'));
    });
    void channel.ready();
    if (target.mode === 'resume') {
      this.setPhase('linked');
      if (target.purpose !== 'files') void this.#requestHistory(channel);
      return;
    }
    this.#shortCode = keys.shortCode;
    this.setPhase('comparing');
    this.emit('code', { shortCode: keys.shortCode, device: toBase64Url(deps.identity.identityKey) });
  }

  async #onMessage(channel: DeviceLinkChannel, message: BoxedMessage): Promise<void> {
    switch (message.t) {
      case 'declined':
        this.setPhase('declined');
        this.emit('error', new ParleyError('ACCESS_DENIED', 'the existing device declined the link'));
        channel.close();
        return;
      case 'welcome':
        if (this.phase !== 'comparing') return;
        try {
          await this.#welcome(message);
        } catch (error) {
          this.fail(error);
          channel.close();
          return;
        }
        if (message.history) await this.#requestHistory(channel);
        else this.setPhase('done');
        return;
      case 'history-batch':
        this.#receiver?.receive(message);
        return;
      case 'history-end':
        await this.#receiver?.idle();
        this.setPhase('done');
        this.emit('done', { messages: message.messages });
        channel.close();
        return;
      case 'history-none':
        this.setPhase('done');
        return;
      default:
        return;
    }
  }

  /** Checks the welcome names this device under its id in the payload account's list, then keeps it. */
  async #welcome(welcome: WelcomeMessage): Promise<void> {
    const { deps, target } = this;
    const accountKey = fromBase64Url(target.account);
    const list = verifyDeviceList(deps.backend, welcome.list, accountKey);
    const listed = list.devices.find((device) => device.deviceId === welcome.deviceId);
    if (listed === undefined || !equalBytes(listed.identityKey, deps.identity.identityKey)) {
      throw new ParleyError('UNTRUSTED_IDENTITY', 'device link: the list does not name this device');
    }
    if (welcome.account !== identityString(accountKey)) {
      throw new ParleyError('UNTRUSTED_IDENTITY', 'device link: the welcome names another account');
    }
    const record: LinkedAccountRecord = {
      account: welcome.account,
      deviceId: welcome.deviceId,
      list: welcome.list,
      host: target.host,
      relay: target.relay,
      resumeSecret: welcome.resumeSecret,
    };
    await deps.adopt(welcome.list);
    await deps.state.put(LINKED_ACCOUNT_KEY, record);
    this.setPhase('linked');
    this.emit('linked', {
      account: welcome.account,
      deviceId: welcome.deviceId,
      list: welcome.list,
      ...(welcome.displayName === undefined ? {} : { displayName: welcome.displayName }),
    });
  }

  async #requestHistory(channel: DeviceLinkChannel): Promise<void> {
    const { deps } = this;
    this.#receiver = new HistoryReceiver(
      channel,
      deps.db,
      deps.state,
      (progress) => this.emit('progress', progress),
      (error) => this.fail(error),
    );
    this.setPhase('transferring');
    const from = await loadCheckpoint(deps.state);
    await channel.send(from === undefined ? { t: 'history-request' } : { t: 'history-request', from });
  }
}
