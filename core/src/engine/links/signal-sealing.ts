import { z } from 'zod';
import { ParleyError, isParleyError } from '../../errors/index.js';
import type { LinkSignal, PeerAddress } from '../../link/link-manager.js';
import { fromBase64Url, toBase64Url, utf8 } from '../../protocol/encoding.js';
import { SignalDataSchema, type SealedSignalData, type WireSignalData } from '../../protocol/signalling.js';
import { CallControlSchema, type CallControl } from '../../calls/index.js';
import { addressOfPeer } from '../shared/addresses.js';
import type { EngineContext } from '../context.js';

/** Marks the plaintext as a signal, so no message content can pass for one, nor a signal for a message. */
const SIGNAL_TYPE = 'parley/signal/v1';

const linkId = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/);
/** A data link's signal carries simple-peer's signal; a call's carries one call control message. */
const SealedPlaintextSchema = z.discriminatedUnion('kind', [
  z.strictObject({ type: z.literal(SIGNAL_TYPE), linkId, kind: z.literal('data'), data: SignalDataSchema }),
  z.strictObject({ type: z.literal(SIGNAL_TYPE), linkId, kind: z.literal('call'), data: CallControlSchema }),
]);
type SealedPlaintext = z.infer<typeof SealedPlaintextSchema>;

/** A call's sealed signal, opened: its linkId is the call id. */
export interface CallSignalEnvelope {
  readonly linkId: string;
  readonly kind: 'call';
  readonly data: CallControl;
}

const decoder = new TextDecoder();

type WireSignal = { linkId: string; kind: string; data: WireSignalData };

/**
 * Seals and opens link signals in the pair's session (pairwise.ts: the Double Ratchet inside sealed sender),
 * so the relay forwards them without reading or altering SDP and candidates. The sealed plaintext repeats the
 * linkId and kind, so a relay cannot move a sealed signal to another link either. Data links seal
 * simple-peer's signals; calls (`kind: 'call'`, linkId = call id) seal call control messages.
 */
export class SignalSealer {
  constructor(private readonly ctx: EngineContext) {}

  async seal(to: PeerAddress, signal: LinkSignal | CallSignalEnvelope): Promise<SealedSignalData> {
    const plaintext = utf8(JSON.stringify({ type: SIGNAL_TYPE, ...signal }));
    const envelope = await this.ctx.pairwise.seal(addressOfPeer(to), plaintext);
    return { sealed: toBase64Url(envelope) };
  }

  /**
   * The signal `from` sealed, after checking it came from `from`'s session and names the same link.
   * DECRYPT_FAILED (or the ratchet's own code) for anything a relay altered, replayed or sent in clear; the
   * session is only advanced for a signal that opened and validated.
   */
  async open(from: PeerAddress, signal: WireSignal): Promise<LinkSignal> {
    const opened = await this.#open(from, signal);
    if (opened.kind !== 'data') throw new ParleyError('DECRYPT_FAILED', 'a call signal on a data link');
    return { linkId: opened.linkId, kind: opened.kind, data: opened.data };
  }

  /** A call's signal, opened like `open`; its control message must name the call its linkId names. */
  async openCall(from: PeerAddress, signal: WireSignal): Promise<CallSignalEnvelope> {
    const opened = await this.#open(from, signal);
    if (opened.kind !== 'call') throw new ParleyError('DECRYPT_FAILED', 'a data signal on a call');
    return { linkId: opened.linkId, kind: opened.kind, data: opened.data };
  }

  async #open(from: PeerAddress, signal: WireSignal): Promise<SealedPlaintext> {
    if (!('sealed' in signal.data)) {
      throw new ParleyError('DECRYPT_FAILED', 'an unsealed signal: the relay may have replaced it');
    }
    const expected = addressOfPeer(from);
    let envelope: Uint8Array;
    try {
      envelope = fromBase64Url(signal.data.sealed);
    } catch (cause) {
      throw new ParleyError('DECRYPT_FAILED', 'a sealed signal that is not base64url', { cause });
    }
    try {
      return await this.ctx.pairwise.open(envelope, async ({ sender, plaintext, stage }) => {
        if (sender.name !== expected.name || sender.deviceId !== expected.deviceId) {
          throw new ParleyError('DECRYPT_FAILED', 'a signal sealed by someone other than its sender');
        }
        let parsed;
        try {
          parsed = SealedPlaintextSchema.parse(JSON.parse(decoder.decode(plaintext)));
        } catch (cause) {
          throw new ParleyError('DECRYPT_FAILED', 'a sealed signal that is not a signal', { cause });
        }
        if (
          parsed.linkId !== signal.linkId ||
          parsed.kind !== signal.kind ||
          (parsed.kind === 'call' && parsed.data.callId !== parsed.linkId)
        ) {
          throw new ParleyError('DECRYPT_FAILED', 'a sealed signal moved to another link');
        }
        await this.ctx.db.commitIncomingBatch({ crypto: stage.changes(), messages: [] });
        return parsed;
      });
    } catch (error) {
      if (isParleyError(error, 'DECRYPT_FAILED')) throw error;
      throw new ParleyError('DECRYPT_FAILED', `a sealed signal did not open (${String(error)})`, {
        cause: error,
      });
    }
  }
}
