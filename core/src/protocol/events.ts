import { z } from 'zod';
import { ParleyError, type ErrorCode } from '../errors/index.js';
import {
  AuthChallengeSchema,
  AuthRequestSchema,
  OtpRequestSchema,
  type AuthResult,
  type TurnGrant,
} from './auth.js';
import {
  AckBlobsSchema,
  AckNoticesSchema,
  DeliveryNoticeSchema,
  DepositSchema,
  IncomingBlobSchema,
  RecallSchema,
  type DepositResult,
  type RecallReceipt,
} from './blobs.js';
import { IdentitySchema } from './common.js';
import { FetchDeviceListSchema, PublishDeviceListSchema, type SignedDeviceList } from './devices.js';
import {
  FetchPreKeysSchema,
  PublishPreKeysSchema,
  ResolveUsernameSchema,
  SetUsernameSchema,
  type FetchedBundle,
} from './directory.js';
import {
  IncomingSignalSchema,
  IncomingTypingSchema,
  PresenceStateSchema,
  PresenceSubscribeSchema,
  PresenceVisibilitySchema,
  SignalSchema,
  TypingSchema,
  type PresenceState,
} from './signalling.js';
import { SfuRoomIdSchema } from './sfu-token.js';

export interface WireError {
  code: ErrorCode;
  message: string;
  /** Seconds to wait, with RATE_LIMITED. */
  retryAfter?: number;
}

/** Every client → relay event is acknowledged with exactly one of these. */
export type AckResult<T extends object = object> = ({ ok: true } & T) | { ok: false; error: WireError };
export type Ack<T extends object = object> = (result: AckResult<T>) => void;

/**
 * The request schema of every client → relay event. The relay validates each payload against its entry
 * here before a handler sees it, and answers events missing from this table with UNKNOWN_EVENT.
 */
export const CLIENT_EVENTS = {
  auth: AuthRequestSchema,
  'otp:request': OtpRequestSchema,
  'prekeys:publish': PublishPreKeysSchema,
  'prekeys:fetch': FetchPreKeysSchema,
  /** Linked devices: the account's signed device list (docs/crypto.md "Linked devices"). */
  'devices:publish': PublishDeviceListSchema,
  'devices:fetch': FetchDeviceListSchema,
  'username:set': SetUsernameSchema,
  'username:resolve': ResolveUsernameSchema,
  'turn:refresh': z.strictObject({}),
  signal: SignalSchema,
  typing: TypingSchema,
  'presence:visibility': PresenceVisibilitySchema,
  'presence:subscribe': PresenceSubscribeSchema,
  'blob:deposit': DepositSchema,
  'blob:ack': AckBlobsSchema,
  'blob:recall': RecallSchema,
  'notice:ack': AckNoticesSchema,
  /** A join token for an SFU room (group calls); docs/sfu.md. */
  'sfu:token': z.strictObject({ room: SfuRoomIdSchema }),
} as const;

export type ClientEventName = keyof typeof CLIENT_EVENTS;
export type ClientRequest<E extends ClientEventName> = z.output<(typeof CLIENT_EVENTS)[E]>;
/** What a client sends (before defaults are applied by the schema). */
export type ClientPayload<E extends ClientEventName> = z.input<(typeof CLIENT_EVENTS)[E]>;

/** The success body of each event's ack. */
export interface ClientResponses {
  auth: AuthResult;
  'otp:request': object;
  'prekeys:publish': { oneTimePreKeys: number };
  'prekeys:fetch': { bundle: FetchedBundle };
  'devices:publish': { counter: number };
  'devices:fetch': { list: SignedDeviceList };
  'username:set': object;
  'username:resolve': { identity: string };
  'turn:refresh': { turn: TurnGrant };
  signal: { delivered: boolean };
  typing: object;
  'presence:visibility': object;
  'presence:subscribe': { presence: PresenceState[] };
  'blob:deposit': DepositResult;
  'blob:ack': { acknowledged: number };
  'blob:recall': { receipt: RecallReceipt };
  'notice:ack': { acknowledged: number };
  /** `url` is where the SFU's Socket.IO endpoint is; `expiresAt` in Unix milliseconds. */
  'sfu:token': { token: string; url: string; expiresAt: number };
}

/** Socket.IO's typed map for the client → relay direction. */
export type ClientToServerEvents = {
  [E in ClientEventName]: (payload: ClientPayload<E>, ack: Ack<ClientResponses[E]>) => void;
};

/** The schema of every relay → client event; clients validate what they receive as strictly as the relay. */
export const SERVER_EVENTS = {
  'auth:challenge': AuthChallengeSchema,
  signal: IncomingSignalSchema,
  typing: IncomingTypingSchema,
  presence: PresenceStateSchema,
  blob: IncomingBlobSchema,
  'blob:delivered': DeliveryNoticeSchema,
  'prekeys:low': z.strictObject({ remaining: z.number().int().nonnegative() }),
} as const;

export type ServerEventName = keyof typeof SERVER_EVENTS;
export type ServerPayload<E extends ServerEventName> = z.output<(typeof SERVER_EVENTS)[E]>;

export type ServerToClientEvents = {
  [E in ServerEventName]: (payload: ServerPayload<E>) => void;
};

/** Identities that a handler may address; exported for the relay's room names. */
export { IdentitySchema };

/** Parses `input` with `schema` or throws a BAD_REQUEST ParleyError naming the first offending field. */
export function parsePayload<S extends z.ZodType>(schema: S, input: unknown, what: string): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const where = issue && issue.path.length > 0 ? ` at ${issue.path.join('.')}` : '';
  const message = `invalid ${what}${where}: ${issue?.message ?? 'malformed'}`;
  // One limit, one code: over any documented size or count limit is PAYLOAD_TOO_LARGE, whichever check saw it.
  throw new ParleyError(issue && isOverLimit(issue) ? 'PAYLOAD_TOO_LARGE' : 'BAD_REQUEST', message);
}

/** A string, list or binary longer than its maximum (not a fixed-length field of the wrong length). */
function isOverLimit(issue: z.core.$ZodIssue): boolean {
  if (issue.code === 'too_big')
    return issue.exact !== true && issue.origin !== 'number' && issue.origin !== 'bigint';
  return issue.code === 'custom' && (issue.params as { tooBig?: unknown } | undefined)?.tooBig === true;
}

export function isClientEventName(name: unknown): name is ClientEventName {
  return typeof name === 'string' && Object.hasOwn(CLIENT_EVENTS, name);
}
