import { z } from 'zod';
import { ParleyError } from '../../errors/index.js';
import { utf8 } from '../../protocol/encoding.js';
import { FrameKeyBodySchema } from '../../protocol/frame-keys.js';
import { GroupMeshBodySchema } from '../../protocol/group-mesh.js';

/*
 * What travels inside the end-to-end encryption: one JSON document per message, validated on receipt like
 * everything else from the network. The relay and a direct link carry the same ciphertext.
 */

const Id = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/);
const Text = z.string().max(64 * 1024);

export const DeviceAddressSchema = z.strictObject({
  name: z.string().min(1).max(128),
  deviceId: z.number().int().min(1),
});

export const GroupStateSchema = z.strictObject({
  groupId: Id,
  /** Increases with every change; a member applies only a higher version. */
  version: z.number().int().nonnegative(),
  name: z.string().max(256),
  avatar: z
    .string()
    .max(64 * 1024)
    .optional(),
  members: z.array(z.string().max(128)).max(1024),
  admins: z.array(z.string().max(128)).max(1024),
  inviteToken: z.string().max(128),
  /** The admin (account) that made this version. */
  changedBy: z.string().max(128),
});
export type GroupState = z.infer<typeof GroupStateSchema>;

const Body = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('text'),
    text: Text,
    replyTo: Id.optional(),
    /** Disappearing messages: the receiver deletes the message this long after it was sent. */
    expiresInMs: z.number().int().positive().optional(),
  }),
  z.strictObject({
    type: z.literal('file'),
    transferId: Id,
    name: z.string().max(256),
    mimeType: z.string().max(128),
    /** Ciphertext bytes the transfer carries. */
    size: z.number().int().nonnegative(),
    /**
     * The attachment key and digest (crypto/attachment), serialised. Over a direct link the digest is
     * absent: it follows the last chunk as the transfer's trailer, sealed under the key.
     */
    descriptor: z.strictObject({
      version: z.literal(1),
      key: z.string().max(64),
      digest: z.string().max(64).optional(),
      size: z.number().int().nonnegative(),
      chunkSize: z.number().int().positive(),
    }),
    caption: Text.optional(),
    /** Set when the bytes wait on the relay (attachment API) instead of coming over the direct link. */
    relayHash: z
      .string()
      .regex(/^[0-9a-f]{64}$/)
      .optional(),
    /** A small preview of an image or video, inside the message so it shows before the file arrives. */
    thumbnail: z
      .string()
      .max(64 * 1024)
      .optional(),
    voice: z
      .strictObject({
        durationMs: z.number().int().nonnegative(),
        waveform: z.array(z.number().min(0).max(1)).max(256),
      })
      .optional(),
  }),
  /** The recipient of file message `target` cannot take it (no space, refused, over its size limit). */
  z.strictObject({ type: z.literal('file-refused'), target: Id, reason: z.string().max(256) }),
  /** The sender of file message `target` cannot send its bytes (its file was gone after a restart, say). */
  z.strictObject({ type: z.literal('file-withdrawn'), target: Id, reason: z.string().max(256) }),
  /** The sender cancelled a file it announced (its transfer may never have reached the recipient). */
  z.strictObject({ type: z.literal('file-cancelled'), target: Id }),
  z.strictObject({
    type: z.literal('receipt'),
    receipt: z.enum(['delivered', 'read']),
    ids: z.array(Id).min(1).max(1000),
  }),
  z.strictObject({ type: z.literal('edit'), target: Id, text: Text }),
  z.strictObject({ type: z.literal('delete'), target: Id }),
  z.strictObject({
    type: z.literal('reaction'),
    target: Id,
    emoji: z.string().max(32),
    remove: z.boolean().optional(),
  }),
  z.strictObject({ type: z.literal('timer'), expiresInMs: z.number().int().positive().nullable() }),
  /** A group state signed (Ed25519, identity key) by the admin that changed it. */
  z.strictObject({ type: z.literal('group-state'), state: GroupStateSchema, signature: z.string().max(128) }),
  /** A member's sender key for a group, sent over the pairwise session. */
  /** Asks an admin to be added, showing the group's current invite token. */
  z.strictObject({ type: z.literal('group-join'), groupId: Id, token: z.string().max(128) }),
  z.strictObject({ type: z.literal('sender-key'), groupId: Id, distribution: z.string().max(4096) }),
  /** A participant's frame key for a group call (call-keys/), sent over the pairwise session. */
  FrameKeyBodySchema,
  /**
   * A group's call on the SFU started (someone joined an empty room), is still running (`alive`: each
   * participant's heartbeat, so a call whose last participants vanished without an end stops showing), or
   * ended (the last one left), sent to the group's members so each shows "Call in progress — Join" and, at the
   * end, the call-log line. `callId` ties them; `startedAt` is when the call started (every notice carries it,
   * for members who missed the start).
   */
  z.strictObject({
    type: z.literal('group-call'),
    event: z.enum(['started', 'alive', 'ended']),
    callId: Id,
    startedAt: z.number().int().nonnegative(),
  }),
  /**
   * A group call's mesh (group-mesh/, docs/protocol.md "Group call mesh"), pairwise to members: `hello` when
   * joining (to every member), `here` in answer from those in the call, `bye` when leaving, `move` from the
   * participant who decides that the call moves to the SFU. `session` names one join of one device, so a
   * rejoin after a crash is a new pair; `onSfu` says the sender is on the SFU already.
   */
  GroupMeshBodySchema,
  z.strictObject({
    type: z.literal('status'),
    statusId: Id,
    text: Text.optional(),
    image: z
      .string()
      .max(192 * 1024)
      .optional(),
    background: z
      .string()
      .regex(/^#[0-9a-f]{6}$/u)
      .optional(),
    expiresAt: z.number().int().nonnegative(),
  }),
  z.strictObject({ type: z.literal('status-view'), statusId: Id }),
  /** The author took a status down: every viewer drops it. */
  z.strictObject({ type: z.literal('status-delete'), statusId: Id }),
  /**
   * Between devices of one account only (linked devices, devices/sync.ts): read state, pin / archive /
   * mute, verification and settings changed on the sending device.
   */
  z.strictObject({
    type: z.literal('sync'),
    read: z.array(Id).min(1).max(1000).optional(),
    conversation: z
      .strictObject({
        id: z.string().min(1).max(200),
        pinned: z.boolean().optional(),
        archived: z.boolean().optional(),
        muted: z.boolean().optional(),
      })
      .optional(),
    verified: z.strictObject({ account: z.string().min(1).max(128), verified: z.boolean() }).optional(),
    /** A contact added (from its link: name and relay), accepted or blocked on the sending device. */
    contact: z
      .strictObject({
        account: z.string().min(1).max(128),
        relayUrl: z.string().max(2048).optional(),
        displayName: z.string().max(64).optional(),
        accepted: z.boolean().optional(),
        blocked: z.boolean().optional(),
      })
      .optional(),
    settings: z.strictObject({ readReceipts: z.boolean().optional() }).optional(),
    /** Our own profile, set on the sending device (or sent to a device just linked). */
    profile: z
      .strictObject({
        type: z.literal('profile'),
        displayName: z.string().min(1).max(64),
        avatar: z.string().max(65_536).optional(),
      })
      .optional(),
  }),
  /** The sender's display name and avatar (base64url image bytes, size-capped), sent to every contact. */
  z.strictObject({
    type: z.literal('profile'),
    displayName: z.string().min(1).max(64),
    avatar: z.string().max(65_536).optional(),
  }),
]);

export const ContentSchema = z.strictObject({
  v: z.literal(1),
  id: Id,
  sentAt: z.number().int().nonnegative(),
  counter: z.number().int().nonnegative(),
  /** Absent for one-to-one messages. */
  groupId: Id.optional(),
  /**
   * Linked devices: the account a one-to-one message went to, only in the copy for the sender's own other
   * devices (which file it in that conversation as sent by us); ignored from anyone else.
   */
  to: z.string().min(1).max(128).optional(),
  body: Body,
});

export type Content = z.infer<typeof ContentSchema>;
export type ContentBody = Content['body'];

const decoder = new TextDecoder();

export function encodeContent(content: Content): Uint8Array {
  return utf8(JSON.stringify(content));
}

export function decodeContent(bytes: Uint8Array): Content {
  let json: unknown;
  try {
    json = JSON.parse(decoder.decode(bytes));
  } catch (error) {
    throw new ParleyError('BAD_REQUEST', 'message content is not JSON', { cause: error });
  }
  const parsed = ContentSchema.safeParse(json);
  if (!parsed.success)
    throw new ParleyError('BAD_REQUEST', `invalid message content: ${parsed.error.issues[0]?.message ?? ''}`);
  return parsed.data;
}

/** Bodies that are shown in the conversation (and so get delivered/read receipts). */
export function isVisible(body: ContentBody): boolean {
  return body.type === 'text' || body.type === 'file';
}
