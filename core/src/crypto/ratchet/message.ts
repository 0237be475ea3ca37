import { ParleyError } from '../../errors/index.js';
import { ByteReader, writeUint32 } from '../bytes.js';
import type { PreKeyHeader } from '../x3dh/x3dh.js';

export const MESSAGE_VERSION = 1;
export const MESSAGE_TYPE = { normal: 1, preKey: 2 } as const;

export interface RatchetHeader {
  /** The sender's current ratchet public key. */
  dh: Uint8Array;
  /** Number of messages in the sender's previous sending chain. */
  pn: number;
  /** Index of this message in the current sending chain. */
  n: number;
}

export interface ParsedMessage {
  preKey?: PreKeyHeader;
  header: RatchetHeader;
  /** Every byte before the ciphertext; its copy inside the ciphertext authenticates it. */
  headerBytes: Uint8Array;
  ciphertext: Uint8Array;
}

const PRE_KEY_HEADER_LENGTH = 32 + 32 + 64 + 32 + 4 + 1 + 4;
const RATCHET_HEADER_LENGTH = 32 + 4 + 4;

/**
 * version(1) ‖ type(1) ‖ [prekey header] ‖ dh(32) ‖ pn(u32) ‖ n(u32). The prekey header is
 * identityKey(32) ‖ identityDhKey(32) ‖ identityDhSignature(64) ‖ baseKey(32) ‖ signedPreKeyId(u32) ‖
 * hasOneTimePreKey(1) ‖ oneTimePreKeyId(u32).
 */
export function encodeHeader(header: RatchetHeader, preKey: PreKeyHeader | undefined): Uint8Array {
  const out = new Uint8Array(2 + (preKey ? PRE_KEY_HEADER_LENGTH : 0) + RATCHET_HEADER_LENGTH);
  out[0] = MESSAGE_VERSION;
  out[1] = preKey ? MESSAGE_TYPE.preKey : MESSAGE_TYPE.normal;
  let offset = 2;
  if (preKey) {
    out.set(preKey.sender.identityKey, offset);
    out.set(preKey.sender.identityDhKey, offset + 32);
    out.set(preKey.sender.identityDhSignature, offset + 64);
    out.set(preKey.baseKey, offset + 128);
    writeUint32(out, offset + 160, preKey.signedPreKeyId);
    out[offset + 164] = preKey.oneTimePreKeyId === undefined ? 0 : 1;
    writeUint32(out, offset + 165, preKey.oneTimePreKeyId ?? 0);
    offset += PRE_KEY_HEADER_LENGTH;
  }
  out.set(header.dh, offset);
  writeUint32(out, offset + 32, header.pn);
  writeUint32(out, offset + 36, header.n);
  return out;
}

export function parseMessage(bytes: Uint8Array): ParsedMessage {
  const reader = new ByteReader(bytes, 'DECRYPT_FAILED', 'ratchet message');
  const version = reader.u8();
  if (version !== MESSAGE_VERSION)
    throw new ParleyError('DECRYPT_FAILED', `unknown message version ${version}`);
  const type = reader.u8();
  if (type !== MESSAGE_TYPE.normal && type !== MESSAGE_TYPE.preKey) {
    throw new ParleyError('DECRYPT_FAILED', `unknown message type ${type}`);
  }
  let preKey: PreKeyHeader | undefined;
  if (type === MESSAGE_TYPE.preKey) {
    preKey = {
      sender: {
        identityKey: reader.take(32),
        identityDhKey: reader.take(32),
        identityDhSignature: reader.take(64),
      },
      baseKey: reader.take(32),
      signedPreKeyId: reader.u32(),
    };
    const hasOneTime = reader.u8();
    const oneTimeId = reader.u32();
    if (hasOneTime > 1 || (hasOneTime === 0 && oneTimeId !== 0)) {
      throw new ParleyError('DECRYPT_FAILED', 'malformed one-time prekey field');
    }
    if (hasOneTime === 1) preKey.oneTimePreKeyId = oneTimeId;
  }
  const header: RatchetHeader = { dh: reader.take(32), pn: reader.u32(), n: reader.u32() };
  const headerLength = bytes.length - reader.remaining;
  const ciphertext = reader.rest();
  const parsed: ParsedMessage = { header, headerBytes: bytes.subarray(0, headerLength), ciphertext };
  if (preKey) parsed.preKey = preKey;
  return parsed;
}
