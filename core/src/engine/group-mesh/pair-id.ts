import { hmac, sha512Hash, type CryptoBackend } from '../../crypto/index.js';
import { concatBytes, utf8 } from '../../protocol/encoding.js';

const PAIR_LABEL = 'parley/mesh-pair/v1';

/**
 * The id of the connection between two joins (`session`s) of a group call's mesh, the same on both sides and
 * new for every rejoin: the first 16 bytes of HMAC-SHA512(key = room, label ‖ sessions in order), in hex —
 * the shape of a call id, so the pair's sealed signals are call signals like a 1:1 call's.
 */
export function meshPairId(backend: CryptoBackend, room: string, a: string, b: string): string {
  const [low, high] = a < b ? [a, b] : [b, a];
  const mac = hmac(sha512Hash(backend), utf8(room), concatBytes(utf8(PAIR_LABEL), utf8(`\0${low}\0${high}`)));
  return [...mac.subarray(0, 16)].map((byte) => byte.toString(16).padStart(2, '0')).join('');
}
