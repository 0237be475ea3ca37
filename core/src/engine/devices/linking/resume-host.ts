import { ParleyError } from '../../../errors/index.js';
import { fromBase64Url, toBase64Url } from '../../../protocol/encoding.js';
import type { HistorySender } from '../history/transfer.js';
import { serveFile } from '../attachments/serve.js';
import type { DeviceLinkChannel } from './channel.js';
import { LinkFlow } from './link-flow.js';
import { encodeClear } from './frames.js';
import { acceptProof, deriveKeys, transcriptOf, verifyHello } from './handshake.js';
import { openHostChannel } from './host.js';
import { RESUME_PREFIX, type LinkingDeps } from './types.js';
import type { HelloMessage } from './wire.js';

/**
 * The existing device's side of a resumed history transfer: a device it linked (and handed a resume secret)
 * opens a new channel, with fresh ephemeral keys on both sides, and asks for the history from its
 * checkpoint, or for the bytes of the moved history's files (devices/attachments). No short code: the hello
 * is signed by a key the account still lists and proven with the secret.
 */
export class HistoryResume extends LinkFlow {
  #channel: DeviceLinkChannel | undefined;

  private constructor(
    private readonly deps: LinkingDeps,
    readonly id: string,
    readonly device: string,
  ) {
    super();
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
    // Unlinked since: its secret is dropped and it gets nothing more from this device.
    if (!(await deps.isListed(from))) {
      await deps.state.delete(`${RESUME_PREFIX}${from}`);
      return refuse('NOT_FOUND', 'that device is no longer linked to this account');
    }
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
      if (message.t === 'file-request') {
        const crypto = { backend: deps.backend, randomBytes: deps.randomBytes };
        serveFile(channel, deps.openStoredFile, crypto, message.id).catch((error: unknown) =>
          channel.close(error instanceof ParleyError ? error : undefined),
        );
      }
    });
    channel.on('close', ({ error }) => {
      if (resume.phase !== 'done') resume.fail(error ?? new ParleyError('CLOSED', 'the device went away'));
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
    if (this.phase !== 'waiting') return;
    await this.sendHistory(this.deps, channel, from);
  }
}
