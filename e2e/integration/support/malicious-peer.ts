import {
  SessionCipher,
  parseIdentityString,
  sealToRecipient,
  sign,
  toBase64Url,
  type ProtocolAddress,
} from '@parley/core';

import type { TestDevice } from './harness.js';

/*
 * A peer running a modified client: it seals whatever content it likes in its real pairwise session and
 * deposits it on the relay itself, bypassing every rule its own engine would apply before sending. What
 * the victim's engine does with it is the only defence.
 */

/** The plaintext JSON a message carries (core/src/engine/content.ts); deliberately unchecked here. */
export interface ForgedContent {
  readonly id: string;
  readonly sentAt: number;
  readonly counter: number;
  readonly groupId?: string;
  readonly body: Record<string, unknown>;
}

const encoder = new TextEncoder();

/**
 * Seals `content` from `from` to `to` (device 1) in their existing pairwise session and deposits it on
 * `from`'s relay. `from` must have messaged `to` before (so the session exists) and be idle meanwhile. A
 * linked device seals as its own device id, claiming its account (sealed sender version 2).
 */
export async function sendForged(from: TestDevice, to: string, content: ForgedContent): Promise<void> {
  const client = from.c;
  const { deviceId } = client.address;
  const address: ProtocolAddress = { name: to, deviceId: 1 };
  const local = await client.db.identities.getLocalIdentity();
  const { message, remote } = await new SessionCipher(client.db).encryptToPeer(
    address,
    encoder.encode(JSON.stringify({ v: 1, ...content })),
  );
  const sealed = sealToRecipient(
    local,
    deviceId,
    remote.identityDhKey,
    message,
    undefined,
    parseIdentityString(client.account),
  );
  const payload = new Uint8Array(1 + sealed.length);
  payload[0] = 1; // BLOB_SEALED
  payload.set(sealed, 1);
  await deposit(from, [to], payload);
}

/** Deposits raw blob bytes for `recipients` on `from`'s home relay, as its client's socket. */
export async function deposit(
  from: TestDevice,
  recipients: readonly string[],
  payload: Uint8Array,
): Promise<void> {
  const socket = from.sockets.get(from.c.contacts.relayOf(from.c.account));
  if (socket === undefined) throw new Error(`${from.name} has no relay socket`);
  const ack = await new Promise<{ ok: boolean; error?: { message?: string } }>((resolve) =>
    socket.emit(
      'blob:deposit',
      { recipients: recipients.map((name) => toBase64Url(parseIdentityString(name))), payload },
      resolve,
    ),
  );
  if (!ack.ok) throw new Error(`deposit refused: ${ack.error?.message ?? ''}`);
}

/** A group state signed by `by` exactly as core/src/engine/groups.ts signs one (label ‖ 0 ‖ canonical JSON). */
export async function signedGroupState(
  by: TestDevice,
  state: {
    groupId: string;
    version: number;
    name: string;
    members: string[];
    admins: string[];
    inviteToken: string;
  },
): Promise<{ state: Record<string, unknown>; signature: string }> {
  const full = { ...state, changedBy: by.c.account };
  const canonical = JSON.stringify({
    groupId: full.groupId,
    version: full.version,
    name: full.name,
    avatar: null,
    members: [...full.members].sort(),
    admins: [...full.admins].sort(),
    inviteToken: full.inviteToken,
    changedBy: full.changedBy,
  });
  const bytes = new Uint8Array([...encoder.encode('parley/group-state/v1'), 0, ...encoder.encode(canonical)]);
  const identity = await by.c.db.identities.getLocalIdentity();
  return { state: full, signature: toBase64Url(sign(identity, bytes)) };
}

/** The distribution message of `owner`'s current sender key for `groupId`, as `holder` stored it. */
export async function replayedDistribution(
  holder: TestDevice,
  groupId: string,
  owner: string,
): Promise<string> {
  const record = await holder.c.db.senderKeys.loadSenderKey(groupId, { name: owner, deviceId: 1 });
  if (record === undefined) throw new Error(`${holder.name} holds no sender key of ${owner}`);
  const [state] = (
    JSON.parse(record) as {
      states: { keyId: number; chainKey: string; iteration: number; signingPublicKey: string }[];
    }
  ).states;
  if (state === undefined) throw new Error('empty sender key record');
  const distribution = {
    type: 'parley/sender-key-distribution/v1',
    groupId,
    keyId: state.keyId,
    iteration: state.iteration,
    chainKey: state.chainKey,
    signingPublicKey: state.signingPublicKey,
  };
  return toBase64Url(encoder.encode(JSON.stringify(distribution)));
}
