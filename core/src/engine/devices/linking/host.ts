import { parseIdentityString } from '../../../crypto/index.js';
import { ParleyError, isParleyError } from '../../../errors/index.js';
import { fromBase64Url, toBase64Url } from '../../../protocol/encoding.js';
import type { HistorySender } from '../history/transfer.js';
import { DeviceLinkChannel } from './channel.js';
import { LinkFlow } from './link-flow.js';
import type { DeviceListPort } from './device-list-port.js';
import { decodeClear, encodeClear } from './frames.js';
import { acceptProof, deriveKeys, newOfferSecrets, transcriptOf, verifyHello } from './handshake.js';
import { LINK_PAYLOAD_TTL_MS, formatLinkPayload, type LinkPayload } from './payload.js';
import { RESUME_PREFIX, type LinkingDeps } from './types.js';
import type { HelloMessage } from './wire.js';

export interface OfferOptions {
  readonly account: string;
  readonly relay: string;
  readonly devices: DeviceListPort;
  readonly displayName?: string | undefined;
  /** Whether to move the history to the new device once it is linked. Default true. */
  readonly history?: boolean;
}

/** A refusal in answer to a hello; the offer is left as it was. */
async function refuse(
  deps: LinkingDeps,
  to: string,
  linkId: string,
  code: 'CHALLENGE_EXPIRED' | 'CONFLICT' | 'DECRYPT_FAILED' | 'INVALID_SIGNATURE' | 'NOT_FOUND',
  message: string,
): Promise<void> {
  await deps.sendSignal(to, linkId, encodeClear({ t: 'refused', code, message })).catch(() => undefined);
}

/**
 * "Link a new device" on the existing device: shows `text` (QR and `parley://link?…`), takes ONE hello made
 * with it before it expires, shows the short code, and on `confirm()` lists the new device and sends it what
 * it needs, then the history. Nothing reaches the new device before `confirm()`.
 */
export class LinkOffer extends LinkFlow {
  readonly payload: LinkPayload;
  readonly text: string;
  #used = false;
  #channel: DeviceLinkChannel | undefined;
  #device: string | undefined;
  readonly #secrets: ReturnType<typeof newOfferSecrets>;

  constructor(
    private readonly deps: LinkingDeps,
    private readonly options: OfferOptions,
  ) {
    super();
    this.#secrets = newOfferSecrets(deps.backend, deps.randomBytes);
    const host = toBase64Url(deps.identity.identityKey);
    this.payload = {
      v: 1,
      relay: options.relay,
      account: toBase64Url(parseIdentityString(options.account)),
      host,
      id: this.#secrets.id,
      key: this.#secrets.key,
      secret: toBase64Url(this.#secrets.secret),
      commit: this.#secrets.commit,
      expires: deps.now() + LINK_PAYLOAD_TTL_MS,
    };
    this.text = formatLinkPayload(this.payload);
  }

  get id(): string {
    return this.payload.id;
  }

  /** The new device's identity key, once its hello was accepted. */
  get device(): string | undefined {
    return this.#device;
  }

  /** The channel to the new device (for tests and the bench: its path and direct link). */
  get channel(): DeviceLinkChannel | undefined {
    return this.#channel;
  }

  /** A device-link frame the relay brought from `from` for this offer's id. */
  async handleFrame(from: string, frame: Uint8Array): Promise<void> {
    const clear = decodeClear(frame);
    if (clear === undefined) {
      if (from === this.#device) this.#channel?.receiveRelay(frame);
      return;
    }
    if (clear.t !== 'hello') return;
    await this.#hello(from, clear);
  }

  /**
   * The person saw the same short code on both screens: list the new device, hand it the account, and move
   * the history. Resolves with the new device's id once it is listed and told.
   */
  async confirm(): Promise<number> {
    const channel = this.#channel;
    const device = this.#device;
    if (this.phase !== 'comparing' || channel === undefined || device === undefined) {
      throw new ParleyError('BAD_REQUEST', 'there is no short code to confirm');
    }
    this.setPhase('linked');
    try {
      const { deviceId, list } = await this.options.devices.add(fromBase64Url(device));
      const resumeSecret = this.deps.randomBytes(32);
      await this.deps.state.put(`${RESUME_PREFIX}${device}`, toBase64Url(resumeSecret));
      const history = this.options.history ?? true;
      await channel.send({
        t: 'welcome',
        account: this.options.account,
        deviceId,
        list,
        resumeSecret: toBase64Url(resumeSecret),
        ...(this.options.displayName === undefined ? {} : { displayName: this.options.displayName }),
        history,
      });
      this.emit('linked', { account: this.options.account, deviceId, list });
      if (!history) this.setPhase('done');
      return deviceId;
    } catch (error) {
      this.fail(error);
      throw error;
    }
  }

  /** The codes differ, or the person changed their mind: the new device is told and gets nothing. */
  decline(): void {
    const channel = this.phase === 'comparing' ? this.#channel : undefined;
    this.setPhase('declined');
    if (channel === undefined) return this.close();
    this.#used = true;
    // The new device closes the channel once it has read 'declined' (then both screens say "declined");
    // closing here first could cut that message off, and the new device would see a broken link instead.
    // The wait for that close starts once 'declined' is sent: on a loaded machine the send itself can take
    // longer than the wait, and a timer started before it closed the channel under the message.
    const { timers, directTimeoutMs } = this.deps;
    let timer: ReturnType<typeof timers.setTimeout> | undefined;
    channel.on('close', () => {
      if (timer !== undefined) timers.clearTimeout(timer);
    });
    channel.send({ t: 'declined' }).then(
      () => {
        if (!channel.closed) timer = timers.setTimeout(() => this.close(), directTimeoutMs);
      },
      () => this.close(),
    );
  }

  close(): void {
    this.#used = true;
    this.#channel?.close();
    if (this.phase !== 'done' && this.phase !== 'declined' && this.phase !== 'failed') {
      this.setPhase('failed');
    }
  }

  async #hello(from: string, hello: HelloMessage): Promise<void> {
    const { deps, payload } = this;
    if (this.#used) {
      await refuse(deps, from, payload.id, 'CONFLICT', 'this link payload was used already');
      return;
    }
    if (deps.now() >= payload.expires) {
      await refuse(deps, from, payload.id, 'CHALLENGE_EXPIRED', 'this link payload has expired');
      return;
    }
    if (hello.mode !== 'link' || hello.device !== from) {
      await refuse(deps, from, payload.id, 'DECRYPT_FAILED', 'the hello does not come from its device');
      return;
    }
    let th: Uint8Array;
    const transcript = transcriptOf(
      'link',
      payload.id,
      payload.account,
      payload.host,
      hello,
      fromBase64Url(payload.commit),
    );
    try {
      th = verifyHello(deps.backend, hello, transcript, this.#secrets.secret);
    } catch (error) {
      // Someone without the payload: refused, and the payload stays good for its real holder.
      const code = isParleyError(error, 'INVALID_SIGNATURE') ? 'INVALID_SIGNATURE' : 'DECRYPT_FAILED';
      await refuse(deps, from, payload.id, code, 'the hello was not made with this payload');
      return;
    }
    this.#used = true;
    this.#device = from;
    const hostKey = fromBase64Url(payload.key);
    const shared = deps.backend.x25519(this.#secrets.ephemeralSecret, fromBase64Url(hello.key));
    const keys = deriveKeys(deps.backend, shared, this.#secrets.secret, th, hostKey, this.#secrets.nonce);
    const proof = acceptProof(deps.backend, this.#secrets.secret, th, this.#secrets.nonce, hostKey);
    const channel = openHostChannel(deps, from, payload.id, keys);
    this.#channel = channel;
    channel.on('message', (message) => {
      if (message.t === 'history-request') void this.#sendHistory(channel, message.from);
    });
    channel.on('close', ({ error }) => {
      if (this.phase === 'done' || this.phase === 'declined') return;
      this.fail(error ?? new ParleyError('CLOSED', 'the new device went away'));
    });
    // The code is on this screen before the new device can show its own: confirming never races the answer.
    this.setPhase('comparing');
    this.emit('code', { shortCode: keys.shortCode, device: from });
    await deps.sendSignal(
      from,
      payload.id,
      encodeClear({ t: 'accept', nonce: toBase64Url(this.#secrets.nonce), proof: toBase64Url(proof) }),
    );
    void channel.ready();
  }

  async #sendHistory(channel: DeviceLinkChannel, from: Parameters<HistorySender['run']>[0]): Promise<void> {
    if (this.phase !== 'linked') return;
    await this.sendHistory(this.deps, channel, from);
  }
}

/** The host's channel: relay frames go to `to` under `linkId`. */
export function openHostChannel(
  deps: LinkingDeps,
  to: string,
  linkId: string,
  keys: ReturnType<typeof deriveKeys>,
): DeviceLinkChannel {
  return new DeviceLinkChannel(
    'host',
    keys,
    {
      sendRelay: (frame) => deps.sendSignal(to, linkId, frame),
      wrtc: deps.wrtc,
      iceServers: deps.iceServers(),
      timers: deps.timers,
      directTimeoutMs: deps.directTimeoutMs,
    },
    deps.backend,
  );
}
