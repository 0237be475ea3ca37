import { z } from 'zod';
import { ParleyError, isErrorCode, isParleyError, type ErrorCode } from '../../errors/index.js';
import { OtpAddressSchema, type OtpRequest } from '../../protocol/auth.js';
import { TokenSchema } from '../../protocol/common.js';
import { systemTimers, type EngineTimers, type FetchLike, type SocketFactory } from '../platform.js';

/*
 * A relay's access policy, seen from onboarding: what the relay asks of a new identity (nothing, an invite
 * token, or a one-time code sent to a phone number or e-mail address), learnt before any client exists.
 */

export type AccessPolicy = 'open' | 'invite' | 'otp';

/** Where a one-time code is sent. */
export type OtpAddress = OtpRequest;

/** The credential a new identity shows on its first authentication with a relay that is not open. */
export type RelayAccess =
  { readonly invite: string } | { readonly otp: OtpAddress & { readonly code: string } };

/** What the relay's auth answer carries, from a RelayAccess. */
export type AccessCredentials = { invite: string } | { otp: OtpAddress & { code: string } };

/** The codes with which a relay refuses a new identity: shown to the user, who can try another credential. */
export const ACCESS_ERROR_CODES: readonly ErrorCode[] = [
  'ACCESS_DENIED',
  'INVITE_INVALID',
  'OTP_INVALID',
  'OTP_LOCKED',
];

export function isAccessError(error: unknown): error is ParleyError {
  return isParleyError(error) && ACCESS_ERROR_CODES.includes(error.code);
}

/** Checks a credential typed by the user; throws BAD_REQUEST saying what is wrong with it. */
export function parseRelayAccess(access: unknown): AccessCredentials {
  const fail = (why: string) => new ParleyError('BAD_REQUEST', `invalid relay access: ${why}`);
  if (typeof access !== 'object' || access === null) throw fail('expected { invite } or { otp }');
  if (Object.keys(access).length !== 1) throw fail('give either an invite or a one-time code');
  if ('invite' in access) {
    const parsed = TokenSchema.safeParse(access.invite);
    if (!parsed.success) throw fail('the invite is empty or too long');
    return { invite: parsed.data };
  }
  if ('otp' in access && typeof access.otp === 'object' && access.otp !== null) {
    const { code, ...address } = access.otp as Record<string, unknown>;
    if (typeof code !== 'string' || !/^[0-9]{6}$/.test(code)) throw fail('the code has six digits');
    return { otp: { ...parseOtpAddress(address), code } };
  }
  throw fail('expected { invite } or { otp }');
}

export function parseOtpAddress(address: unknown): OtpAddress {
  const parsed = OtpAddressSchema.safeParse(address);
  if (!parsed.success) {
    throw new ParleyError('BAD_REQUEST', parsed.error.issues[0]?.message ?? 'invalid address');
  }
  return parsed.data;
}

const RelayInfoSchema = z.object({
  relayKey: z.string().max(128),
  policy: z.enum(['open', 'invite', 'otp']),
  limits: z.record(z.string(), z.number()),
});

/** `GET /v1/relay`: the relay's public key, who may register, and its limits. */
export type RelayInfo = z.infer<typeof RelayInfoSchema>;

/** The http(s) base of a relay URL (which may be given as ws(s)). */
export function relayHttpBase(relayUrl: string): string {
  let url: URL;
  try {
    url = new URL(relayUrl);
  } catch (cause) {
    throw new ParleyError('BAD_REQUEST', `not a relay URL: ${relayUrl}`, { cause });
  }
  if (!['http:', 'https:', 'ws:', 'wss:'].includes(url.protocol)) {
    throw new ParleyError('BAD_REQUEST', `a relay URL is http(s) or ws(s), not ${url.protocol}`);
  }
  return relayUrl.replace(/^ws/, 'http').replace(/\/$/, '');
}

/** Asks a relay what it is (`GET /v1/relay`) before creating a client: onboarding shows the matching form. */
export async function fetchRelayInfo(relayUrl: string, fetch: FetchLike): Promise<RelayInfo> {
  const base = relayHttpBase(relayUrl);
  let response: Awaited<ReturnType<FetchLike>>;
  try {
    response = await fetch(`${base}/v1/relay`, { method: 'GET' });
  } catch (cause) {
    throw new ParleyError('UNAVAILABLE', `cannot reach the relay at ${base}`, { cause });
  }
  if (!response.ok) throw new ParleyError('UNAVAILABLE', `the relay at ${base} answered ${response.status}`);
  const parsed = RelayInfoSchema.safeParse(await response.json().catch(() => undefined));
  if (!parsed.success) throw new ParleyError('BAD_REQUEST', `${base} does not describe a Parley relay`);
  return parsed.data;
}

export interface OneTimeCodeRequest {
  readonly relayUrl: string;
  readonly socketFactory: SocketFactory;
  readonly address: OtpAddress;
  /** How long to wait for the relay. Default 10 s. */
  readonly timeoutMs?: number;
  readonly timers?: EngineTimers;
}

/**
 * Asks a relay with the `otp` policy to send a one-time code to a phone number or e-mail address, over a
 * short-lived unauthenticated socket (`otp:request` is allowed before authentication). Resolves once the
 * relay handed the code to its sender; the user then types it into `access: { otp: { …address, code } }`.
 * Fails with BAD_REQUEST (bad address, or the relay does not use codes), RATE_LIMITED or UNAVAILABLE.
 */
export async function requestOneTimeCode(request: OneTimeCodeRequest): Promise<void> {
  const address = parseOtpAddress(request.address);
  relayHttpBase(request.relayUrl);
  const timers = request.timers ?? systemTimers;
  const socket = request.socketFactory(request.relayUrl);
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = timers.setTimeout(
        () => reject(new ParleyError('UNAVAILABLE', `no answer from ${request.relayUrl}`)),
        request.timeoutMs ?? 10_000,
      );
      // The relay challenges every new socket: that is when it listens to pre-auth events.
      socket.on('auth:challenge', () => {
        socket.emit('otp:request', address, (ack: unknown) => {
          timers.clearTimeout(timer);
          const result = ack as { ok?: boolean; error?: { code?: unknown; message?: unknown } } | undefined;
          if (result?.ok === true) {
            resolve();
            return;
          }
          const code = result?.error?.code;
          const known = isErrorCode(code) ? code : 'INTERNAL';
          reject(new ParleyError(known, `otp:request: ${String(result?.error?.message ?? 'refused')}`));
        });
      });
      socket.connect();
    });
  } finally {
    socket.close();
  }
}
