import { ParleyError } from '../../errors/index.js';

/**
 * Several contents for one recipient device in one ratchet message: the outbox sends a device's pending
 * entries together (one seal, one deposit or link frame, one acknowledgement), and the recipient commits
 * them in one transaction. A single content stays the bare JSON it always was; a batch starts with a zero
 * byte, which JSON cannot, then each content as u32 length ‖ JSON, in write order.
 */
const BATCH_MARKER = 0;
/** A batch never holds more than this (the pump's limit is lower); a bound for the parser. */
export const MAX_BATCH_ENTRIES = 256;

export function encodeContentBatch(payloads: readonly Uint8Array[]): Uint8Array {
  const [only] = payloads;
  if (payloads.length === 1 && only !== undefined) return only;
  if (payloads.length === 0 || payloads.length > MAX_BATCH_ENTRIES)
    throw new ParleyError('INTERNAL', `a content batch holds 1 to ${MAX_BATCH_ENTRIES} contents`);
  const total = payloads.reduce((sum, payload) => sum + 4 + payload.byteLength, 1);
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  out[0] = BATCH_MARKER;
  let offset = 1;
  for (const payload of payloads) {
    view.setUint32(offset, payload.byteLength);
    out.set(payload, offset + 4);
    offset += 4 + payload.byteLength;
  }
  return out;
}

/** The contents of a decrypted plaintext, one for a plain message, in the order they were written. */
export function decodeContentBatch(plaintext: Uint8Array): Uint8Array[] {
  if (plaintext[0] !== BATCH_MARKER) return [plaintext];
  const view = new DataView(plaintext.buffer, plaintext.byteOffset, plaintext.byteLength);
  const contents: Uint8Array[] = [];
  let offset = 1;
  while (offset < plaintext.byteLength) {
    if (offset + 4 > plaintext.byteLength || contents.length >= MAX_BATCH_ENTRIES)
      throw new ParleyError('BAD_REQUEST', 'malformed message batch');
    const length = view.getUint32(offset);
    if (offset + 4 + length > plaintext.byteLength)
      throw new ParleyError('BAD_REQUEST', 'malformed message batch');
    contents.push(plaintext.subarray(offset + 4, offset + 4 + length));
    offset += 4 + length;
  }
  if (contents.length === 0) throw new ParleyError('BAD_REQUEST', 'empty message batch');
  return contents;
}
