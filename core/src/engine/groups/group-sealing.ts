import { ParleyError } from '../../errors/index.js';
import {
  SENDER_KEY_TAG_LENGTH,
  resolveOptions,
  senderKeyRecordTags,
  type CryptoOptions,
  type ProtocolAddress,
} from '../../crypto/index.js';
import { concatBytes, toBase64Url } from '../../protocol/encoding.js';
import type { ClientDatabase } from '../../storage/index.js';

/**
 * Sealed group blobs: kind(1) = 3 ‖ sender-key tag(16) ‖ sender-key message over the padded content. Nothing
 * in it names the group or the sender; members map the tag to (group, sender) with the sender keys they were
 * given (crypto/group/sender-key-tag.ts), so the relay learns the recipients and a padded size only.
 */
export const BLOB_GROUP_SEALED = 3;

/** Group content is padded like a sealed one-to-one envelope, so its length gives away a size class only. */
export const GROUP_PADDING_BLOCK = 256;

export function padGroupContent(content: Uint8Array): Uint8Array {
  const length = Math.ceil((content.length + 4) / GROUP_PADDING_BLOCK) * GROUP_PADDING_BLOCK;
  const out = new Uint8Array(length);
  new DataView(out.buffer).setUint32(0, content.length);
  out.set(content, 4);
  return out;
}

export function unpadGroupContent(padded: Uint8Array): Uint8Array {
  const length = padded.length >= 4 ? new DataView(padded.buffer, padded.byteOffset, 4).getUint32(0) : -1;
  if (length < 0 || length + 4 > padded.length)
    throw new ParleyError('DECRYPT_FAILED', 'group content is malformed');
  return padded.slice(4, 4 + length);
}

export function sealedGroupBlob(tag: Uint8Array, message: Uint8Array): Uint8Array {
  return concatBytes(new Uint8Array([BLOB_GROUP_SEALED]), tag, message);
}

export function openSealedGroupBlob(payload: Uint8Array): { tag: Uint8Array; message: Uint8Array } {
  if (payload.length < 1 + SENDER_KEY_TAG_LENGTH || payload[0] !== BLOB_GROUP_SEALED)
    throw new ParleyError('BAD_REQUEST', 'malformed sealed group message');
  return {
    tag: payload.subarray(1, 1 + SENDER_KEY_TAG_LENGTH),
    message: payload.subarray(1 + SENDER_KEY_TAG_LENGTH),
  };
}

export interface TaggedSender {
  readonly groupId: string;
  readonly sender: ProtocolAddress;
}

/**
 * Tag → (group, sender) for every sender key this device holds: a cache derived from the sender-key store,
 * built on first use (so keys stored before sealed group messages existed are covered), extended as each
 * distribution is committed, and rebuilt after we leave a group. Kept in memory only.
 */
export class SenderTagIndex {
  #index: Map<string, TaggedSender> | undefined;
  /** Moves on every change, so a build that overlapped one is used once but not kept. */
  #version = 0;

  constructor(
    private readonly db: ClientDatabase,
    private readonly crypto: CryptoOptions,
  ) {}

  async lookup(tag: Uint8Array): Promise<TaggedSender | undefined> {
    const index = this.#index ?? (await this.#build());
    return index.get(toBase64Url(tag));
  }

  /** A sender key for (group, sender) was committed: index the tags of its generations. */
  async added(groupId: string, sender: ProtocolAddress): Promise<void> {
    this.#version++;
    if (this.#index === undefined) return; // built from the store on first use
    const record = await this.db.senderKeys.loadSenderKey(groupId, sender);
    if (record !== undefined) this.#add(this.#index, groupId, sender, record);
  }

  /** Keys were deleted (we left a group): forget everything and rebuild on the next lookup. */
  invalidate(): void {
    this.#version++;
    this.#index = undefined;
  }

  async #build(): Promise<Map<string, TaggedSender>> {
    const version = this.#version;
    const index = new Map<string, TaggedSender>();
    for (const { groupId, sender, record } of await this.db.senderKeys.list()) {
      this.#add(index, groupId, sender, record);
    }
    if (version === this.#version) this.#index = index;
    return index;
  }

  #add(index: Map<string, TaggedSender>, groupId: string, sender: ProtocolAddress, record: string): void {
    const { backend } = resolveOptions(this.crypto);
    for (const tag of senderKeyRecordTags(backend, groupId, record)) {
      index.set(toBase64Url(tag), { groupId, sender: { ...sender } });
    }
  }
}
