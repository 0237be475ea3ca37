import { ParleyError, isParleyError } from '../../errors/index.js';
import {
  resolveOptions,
  verifySignature,
  type CryptoBackend,
  type ProtocolAddress,
} from '../../crypto/index.js';
import { fromBase64Url } from '../../protocol/encoding.js';
import { RecallReceiptSchema, type RecallReceipt } from '../../protocol/blobs.js';
import { recallReceiptMessage } from '../../protocol/signed-messages.js';
import type { OutboxEntry, RecallProof, StoredMessage } from '../../storage/index.js';
import type { EngineContext } from '../context.js';
import { pinRelayKey } from '../relay/relay-key-pins.js';

/*
 * Unsend before delivery. A one-to-one message deposited on the relay can be recalled while the relay still
 * holds it: the relay deletes the copy and signs a receipt naming the recipients who never got it
 * (docs/protocol.md, "Recall"). We remember which blob carried which message until the recipient confirms
 * delivery; nothing is remembered for control messages (they are never deleted by a person).
 */

/** The blob that carried a message (and the rest of its batch), on the relay that holds it. */
interface HeldDeposit {
  readonly blobId: string;
  readonly relayUrl: string;
  readonly recipient: ProtocolAddress;
  /** Every outbox entry of the batch: a recall takes them all back, so the others are sent again. */
  readonly entryIds: readonly string[];
}

const heldKey = (messageId: string) => `held:${messageId}`;

/** Records the deposit of a one-to-one batch for each visible message in it. */
export async function rememberDeposit(
  ctx: EngineContext,
  batch: readonly OutboxEntry[],
  blobId: string,
  relayUrl: string,
): Promise<void> {
  const entryIds = batch.map((entry) => entry.id);
  for (const entry of batch) {
    if (entry.conversationId.startsWith('control:')) continue;
    const held: HeldDeposit = { blobId, relayUrl, recipient: entry.recipient, entryIds };
    await ctx.state.put(heldKey(entry.messageId), held);
  }
}

/** The recipient has it: nothing left to recall. */
export async function forgetDeposit(ctx: EngineContext, messageId: string): Promise<void> {
  await ctx.state.delete(heldKey(messageId));
}

/** Whether `receipt` is the relay's signature, under the key we know for that relay, over this blob. */
export function receiptSignedBy(
  backend: CryptoBackend,
  receipt: RecallReceipt,
  expected: { readonly relayKey: string; readonly blobId: string },
): boolean {
  if (receipt.relayKey !== expected.relayKey || receipt.blobId !== expected.blobId) return false;
  const { signature, ...body } = receipt;
  try {
    return verifySignature(
      backend,
      recallReceiptMessage(body),
      fromBase64Url(signature),
      fromBase64Url(receipt.relayKey),
    );
  } catch {
    return false;
  }
}

/**
 * Asks the relay holding `message` to recall it. Resolves the verified proof, or undefined when the relay
 * no longer holds it (delivered, expired, never deposited, relay unreachable) or its receipt does not verify:
 * then the caller falls back to an ordinary delete-for-everyone. The rest of the blob's batch goes back to
 * pending, so those messages are sent again.
 */
export async function recallHeld(
  ctx: EngineContext,
  message: StoredMessage,
): Promise<RecallProof | undefined> {
  const held = (await ctx.state.get(heldKey(message.id))) as HeldDeposit | undefined;
  if (held === undefined) return undefined;
  const entries = await ctx.db.outbox.forMessage(message.id);
  if (entries.some((entry) => entry.state === 'delivered' || entry.state === 'read')) return undefined;
  const relay = ctx.relayFor(held.recipient.name);
  const presentedKey = relay.relayKey;
  if (relay.url !== held.relayUrl || presentedKey === undefined || !relay.ready) return undefined;
  // The receipt must verify under the key pinned on first contact, not the one the relay shows today.
  const relayKey = await pinRelayKey(ctx.state, held.relayUrl, presentedKey);
  let receipt: RecallReceipt;
  try {
    ({ receipt } = await relay.request('blob:recall', { id: held.blobId }));
  } catch (error) {
    if (isParleyError(error, 'NOT_FOUND') || isParleyError(error, 'ALREADY_DELIVERED')) {
      await forgetDeposit(ctx, message.id);
      return undefined;
    }
    if (isParleyError(error)) return undefined;
    throw error;
  }
  const parsed = RecallReceiptSchema.safeParse(receipt);
  const recipient = ctx.devices.relayIdentity(held.recipient);
  const signed =
    parsed.success &&
    receiptSignedBy(resolveOptions(ctx.crypto).backend, parsed.data, { relayKey, blobId: held.blobId });
  await forgetDeposit(ctx, message.id);
  // The relay deleted the blob whatever its receipt says: what else rode in it must go again.
  for (const id of held.entryIds) {
    const entry = await ctx.db.outbox.get(id);
    if (entry === undefined || entry.messageId === message.id || entry.state !== 'sent') continue;
    await ctx.db.outbox.setState(id, 'pending');
    await forgetDeposit(ctx, entry.messageId);
    ctx.kick([entry.recipient]);
  }
  if (!parsed.success || !signed) {
    const why =
      relayKey === presentedKey
        ? 'its receipt does not verify'
        : 'its receipt is signed by a key other than the one this device pinned for that relay';
    ctx.report(new ParleyError('INVALID_SIGNATURE', `the relay recalled a message but ${why}`));
    return undefined;
  }
  // The relay may have pushed the bytes already (not acknowledged yet): then it does not vouch for them.
  if (!parsed.data.recalledFor.includes(recipient)) return undefined;
  return { receipt: parsed.data, relayUrl: held.relayUrl, recipient };
}

/**
 * A stored proof checked again (what the UI shows next to "Deleted before delivery"), under the key pinned
 * for its relay: a receipt is never taken on the word of the key it names itself.
 */
export function checkRecallProof(
  backend: CryptoBackend,
  message: StoredMessage,
  pinnedKey: string | undefined,
): boolean {
  const proof = message.recall;
  if (proof === undefined || pinnedKey === undefined) return false;
  return (
    proof.receipt.recalledFor.includes(proof.recipient) &&
    receiptSignedBy(backend, proof.receipt, { relayKey: pinnedKey, blobId: proof.receipt.blobId })
  );
}
