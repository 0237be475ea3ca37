import { ParleyError } from '../../errors/index.js';
import {
  parseIdentityString,
  resolveOptions,
  sign,
  verifySignature,
  type CryptoOptions,
  type IdentityKeyPair,
} from '../../crypto/index.js';
import { concatBytes, fromBase64Url, toBase64Url, utf8 } from '../../protocol/encoding.js';
import type { GroupState } from '../messaging/content.js';

const GROUP_STATE_DOMAIN = 'parley/group-state/v1';

/** label ‖ 0x00 ‖ JSON of the state with its keys in a fixed order and member lists sorted. */
function groupStateMessage(state: GroupState): Uint8Array {
  const canonical = JSON.stringify({
    groupId: state.groupId,
    version: state.version,
    name: state.name,
    avatar: state.avatar ?? null,
    members: [...state.members].sort(),
    admins: [...state.admins].sort(),
    inviteToken: state.inviteToken,
    changedBy: state.changedBy,
  });
  return concatBytes(utf8(GROUP_STATE_DOMAIN), new Uint8Array([0]), utf8(canonical));
}

export function signGroupState(identity: IdentityKeyPair, state: GroupState): string {
  return toBase64Url(sign(identity, groupStateMessage(state)));
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && [...a].sort().join('\n') === [...b].sort().join('\n');
}

/**
 * Whether `next` (signed by `signature`, sent by `sender`) may replace `current`. Every member runs this,
 * so a change is honoured only if its author could make it: an admin of the current state for anything, a
 * plain member only to leave. The first state a device sees of a group must come from one of its admins.
 */
export function validateGroupState(
  current: GroupState | undefined,
  next: GroupState,
  signature: string,
  sender: string,
  crypto: CryptoOptions,
  /**
   * The key the signature must verify under: the sending device's (a linked device signs with its own key,
   * which the sender's account list vouches for). Default: the account key the sender's name encodes.
   */
  signerKey: Uint8Array = parseIdentityString(sender),
): void {
  if (next.changedBy !== sender)
    throw new ParleyError('ACCESS_DENIED', 'group change not sent by its author');
  const { backend } = resolveOptions(crypto);
  let signatureBytes: Uint8Array;
  try {
    signatureBytes = fromBase64Url(signature);
  } catch (error) {
    throw new ParleyError('INVALID_SIGNATURE', 'group state signature is malformed', { cause: error });
  }
  if (!verifySignature(backend, groupStateMessage(next), signatureBytes, signerKey)) {
    throw new ParleyError('INVALID_SIGNATURE', 'group state signature does not verify');
  }
  if (!next.admins.every((admin) => next.members.includes(admin))) {
    throw new ParleyError('BAD_REQUEST', 'every admin must be a member');
  }
  if (current === undefined) {
    if (!next.admins.includes(sender))
      throw new ParleyError('ACCESS_DENIED', 'a group is announced by an admin');
    return;
  }
  if (next.groupId !== current.groupId) throw new ParleyError('BAD_REQUEST', 'group id changed');
  if (next.version <= current.version) throw new ParleyError('CONFLICT', 'stale group state');
  if (current.admins.includes(sender)) return;
  // A member who is not an admin may only leave: remove itself and change nothing else.
  const leaving =
    current.members.includes(sender) &&
    sameSet(
      next.members,
      current.members.filter((member) => member !== sender),
    ) &&
    sameSet(next.admins, current.admins) &&
    next.name === current.name &&
    next.avatar === current.avatar &&
    next.inviteToken === current.inviteToken;
  if (!leaving) throw new ParleyError('ACCESS_DENIED', 'only an admin may change the group');
}
