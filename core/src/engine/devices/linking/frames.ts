import { ParleyError } from '../../../errors/index.js';
import { BOXED_FRAME } from './channel-cipher.js';
import { ClearMessageSchema, type ClearMessage } from './wire.js';

/** The first byte of a device-link frame on the relay: the handshake in clear, or a boxed channel frame. */
const CLEAR_FRAME = 1;

export function encodeClear(message: ClearMessage): Uint8Array {
  const json = new TextEncoder().encode(JSON.stringify(message));
  const out = new Uint8Array(1 + json.length);
  out[0] = CLEAR_FRAME;
  out.set(json, 1);
  return out;
}

/** A handshake message, or undefined for a boxed frame (the channel opens those). BAD_REQUEST otherwise. */
export function decodeClear(frame: Uint8Array): ClearMessage | undefined {
  if (frame[0] === BOXED_FRAME) return undefined;
  if (frame[0] !== CLEAR_FRAME) throw new ParleyError('BAD_REQUEST', 'device link: unknown frame type');
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder().decode(frame.subarray(1)));
  } catch (cause) {
    throw new ParleyError('BAD_REQUEST', 'device link: unreadable handshake message', { cause });
  }
  const parsed = ClearMessageSchema.safeParse(json);
  if (!parsed.success) throw new ParleyError('BAD_REQUEST', 'device link: malformed handshake message');
  return parsed.data;
}
