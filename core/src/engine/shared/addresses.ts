import { identityString, parseIdentityString, type ProtocolAddress } from '../../crypto/index.js';
import type { PeerAddress } from '../../link/link-manager.js';
import { PRIMARY_DEVICE_ID } from '../../protocol/devices.js';
import { fromBase64Url, toBase64Url } from '../../protocol/encoding.js';

/*
 * Peers are (account, device) everywhere inside the engine. Today every account has one device, 1, whose
 * relay identity is the account's identity key; linked devices will get their own relay identities and a
 * device list per account, and only these functions change.
 */

/** The account's own device, whose identity key is the account key (docs/crypto.md "Linked devices"). */
export const PRIMARY_DEVICE = PRIMARY_DEVICE_ID;

export function relayIdentityOf(address: ProtocolAddress): string {
  return toBase64Url(parseIdentityString(address.name));
}

export function addressOfRelayIdentity(identity: string): ProtocolAddress {
  return { name: identityString(fromBase64Url(identity)), deviceId: PRIMARY_DEVICE };
}

export function peerOf(address: ProtocolAddress): PeerAddress {
  return { identity: relayIdentityOf(address), deviceId: String(address.deviceId) };
}

export function addressOfPeer(peer: PeerAddress): ProtocolAddress {
  return { name: identityString(fromBase64Url(peer.identity)), deviceId: Number(peer.deviceId) };
}

export function directConversationId(account: string): string {
  return `direct:${account}`;
}

export function groupConversationId(groupId: string): string {
  return `group:${groupId}`;
}

/** Control messages (receipts, edits, key distribution) are logged here for dedup, never shown. */
export function controlConversationId(account: string): string {
  return `control:${account}`;
}
