import { ParleyError } from '../../../errors/index.js';
import { TypedEmitter } from '../../../link/typed-emitter.js';
import { fromBase64Url, toBase64Url } from '../../../protocol/encoding.js';
import { HistorySender } from '../history/transfer.js';
import type { DeviceLinkChannel } from './channel.js';
import { encodeClear } from './frames.js';
import { acceptProof, deriveKeys, transcriptOf, verifyHello } from './handshake.js';
import { openHostChannel } from './host.js';
import { RESUME_PREFIX, type LinkEvents, type LinkPhase, type LinkingDeps } from './types.js';
import type { HelloMessage } from './wire.js';

/**
 * The existing device's side of a resumed history transfer: a device it linked (and handed a resume secret)
 * opens a new channel, with fresh ephemeral keys on both sides, and asks for the history from its
 * checkpoint. No short code: the hello is signed by a key the account lists and proven with the secret.
 */
export class HistoryResume extends TypedEmitter<LinkEvents> {
  #phase: LinkPhase = 'waiting';
  #channel: DeviceLinkChannel | undefined;

  private constructor(
    private readonly deps: LinkingDeps,
    readonly id: string,
    readonly device: string,
  ) {
    super();
  }

  get phase(): LinkPhase {
    return this.#phase;
  }

  get channel(): DeviceLinkChannel | undefined {
    return this.#channel;
  }

  /**
   * Answers a resume hello, or refuses it (NOT_FOUND: no resume secret for that device, i.e. never linked
   * here or since unlinked; DECRYPT_FAILED / INVALID_SIGNATURE: not made by it). Undefined when refused.
   */
  static async answer(
    deps: LinkingDeps,
    account: string,
    from: string,
    id: string,
    hello: HelloMessage,
  ): Promise<HistoryResume | undefined> {
    const refuse = async (code: 'NOT_FOUND' | 'DECRYPT_FAILED', message: string) => {
      await deps.sendSignal(from, id, encodeClear({ t: 'refused', code, message })).catch(() => undefined);
      return undefined;
    };
    const stored = await deps.state.get(`${RESUME_PREFIX}${hello.device}`);
    if (typeof stored !== 'string' || hello.device !== from)
      return refuse('NOT_FOUND', 'no transfer to resume');
    const secret = fromBase64Url(stored);
    const host = toBase64Url(deps.identity.identityKey);
    let th: Uint8Array;
    try {
      th = verifyHello(
        deps.backend,
        hello,
        transcriptOf('resume', id, account, host, hello, undefined),
        secret,
      );
    } catch {
      return refuse('DECRYPT_FAILED', 'the resume was not made by the linked device');
    }
    const ephemeralSecret = deps.randomBytes(32);
    const hostKey = deps.backend.x25519Base(ephemeralSecret);
    const nonce = deps.randomBytes(32);
    const keys = deriveKeys(
      deps.backend,
      deps.backend.x25519(ephemeralSecret, fromBase64Url(hello.key)),
      secret,
      th,
      hostKey,
      nonce,
    );
    const resume = new HistoryResume(deps, id, from);
    const channel = openHostChannel(deps, from, id, keys);
    resume.#channel = channel;
    channel.on('message', (message) => {
      if (message.t === 'history-request') void resume.#send(channel, message.from);
    });
    channel.on('close', ({ error }) => {
      if (resume.#phase !== 'done') resume.#fail(error ?? new ParleyError('CLOSED', 'the device went away'));
    });
    const proof = acceptProof(deps.backend, secret, th, nonce, hostKey);
    await deps.sendSignal(
      from,
      id,
      encodeClear({
        t: 'accept',
        nonce: toBase64Url(nonce),
        key: toBase64Url(hostKey),
        proof: toBase64Url(proof),
      }),
    );
    void channel.ready();
    return resume;
  }

  close(): void {
    this.#channel?.close();
  }

  async #send(channel: DeviceLinkChannel, from: Parameters<HistorySender['run']>[0]): Promise<void> {
    if (this.#phase !== 'waiting') return;
    this.#setPhase('transferring');
    const sender = new HistorySender(channel, this.deps.db, this.deps.state, (progress) =>
      this.emit('progress', progress),
    );
    try {
      const messages = await sender.run(from);
      this.#setPhase('done');
      this.emit('done', { messages });
    } catch (error) {
      this.#fail(error);
    }
  }

  #fail(error: unknown): void {
    if (this.#phase === 'failed') return;
    this.#setPhase('failed');
    this.emit('error', error instanceof ParleyError ? error : new ParleyError('INTERNAL', String(error)));
  }

  #setPhase(phase: LinkPhase): void {
    this.#phase = phase;
    this.emit('phase', phase);
  }
}
