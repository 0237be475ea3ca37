import { z } from 'zod';
import { IdentitySchema, PublicKeySchema, SignatureSchema } from '../../../protocol/common.js';
import { SignedDeviceListSchema } from '../../../protocol/devices.js';
import { SignalDataSchema } from '../../../protocol/signalling.js';
import { FILE_MESSAGE_SCHEMAS } from '../attachments/wire.js';
import { HistoryBatchSchema, HistoryCheckpointSchema } from '../history/wire.js';

/*
 * What the two devices say to each other while linking. The handshake's hello and accept travel in clear
 * (inside relay signals of kind 'device-link'); everything after is boxed under the channel keys
 * (channel-cipher.ts). Every message is validated on arrival: the other side, and the relay between, are
 * input like any other.
 */

export const HelloMessageSchema = z.strictObject({
  t: z.literal('hello'),
  mode: z.enum(['link', 'resume']),
  /** The joiner's ephemeral X25519 key. */
  key: PublicKeySchema,
  /** The joiner's own device identity key: the key the account will list. */
  device: IdentitySchema,
  proof: PublicKeySchema,
  signature: SignatureSchema,
});

export const AcceptMessageSchema = z.strictObject({
  t: z.literal('accept'),
  nonce: PublicKeySchema,
  /** The host's fresh ephemeral key, on a resume only (a first link's is in the payload). */
  key: PublicKeySchema.optional(),
  proof: PublicKeySchema,
});

export const RefusedMessageSchema = z.strictObject({
  t: z.literal('refused'),
  code: z.enum(['CHALLENGE_EXPIRED', 'CONFLICT', 'DECRYPT_FAILED', 'INVALID_SIGNATURE', 'NOT_FOUND']),
  message: z.string().max(200),
});

/**
 * The primary to a device it just unlinked: "fetch your account's list". Only a hint (anyone could send
 * one): the device then believes the signed list the relay serves, nothing in this message.
 */
export const UnlinkedMessageSchema = z.strictObject({ t: z.literal('unlinked') });

export const ClearMessageSchema = z.discriminatedUnion('t', [
  HelloMessageSchema,
  AcceptMessageSchema,
  RefusedMessageSchema,
  UnlinkedMessageSchema,
]);

/** What the new device needs to act for the account (docs/crypto.md "Linked devices": no secret key moves). */
export const WelcomeMessageSchema = z.strictObject({
  t: z.literal('welcome'),
  /** The account string (`parley:…`) the new device now belongs to. */
  account: z.string().min(1).max(200),
  deviceId: z.number().int().min(2).max(0x7fffffff),
  /** The account's newest signed list, naming the new device's key under deviceId. */
  list: SignedDeviceListSchema,
  /** Lets the new device open a new channel later to resume the history transfer (32 bytes). */
  resumeSecret: PublicKeySchema,
  displayName: z.string().max(200).optional(),
  /** Whether history follows. */
  history: z.boolean(),
});

export const BoxedMessageSchema = z.discriminatedUnion('t', [
  WelcomeMessageSchema,
  z.strictObject({ t: z.literal('declined') }),
  /** A WebRTC signal for the direct channel, boxed so the relay learns neither addresses nor fingerprints. */
  z.strictObject({ t: z.literal('rtc'), data: SignalDataSchema }),
  z.strictObject({ t: z.literal('history-request'), from: HistoryCheckpointSchema.optional() }),
  HistoryBatchSchema,
  z.strictObject({ t: z.literal('history-ack'), seq: z.number().int().min(0) }),
  z.strictObject({ t: z.literal('history-end'), messages: z.number().int().min(0) }),
  z.strictObject({ t: z.literal('history-none') }),
  /** A moved history's file, fetched later from the device that has its bytes (devices/attachments). */
  ...FILE_MESSAGE_SCHEMAS,
]);

export type HelloMessage = z.infer<typeof HelloMessageSchema>;
export type AcceptMessage = z.infer<typeof AcceptMessageSchema>;
export type ClearMessage = z.infer<typeof ClearMessageSchema>;
export type WelcomeMessage = z.infer<typeof WelcomeMessageSchema>;
export type BoxedMessage = z.infer<typeof BoxedMessageSchema>;
