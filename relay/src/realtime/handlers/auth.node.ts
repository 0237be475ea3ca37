import { isParleyError, ParleyError, toBase64Url } from '@parley/core';
import { admitIdentity } from '../../auth/access.node.js';
import { newChallenge, verifyChallengeAnswer } from '../../auth/challenge.node.js';
import { generateOtpCode, OTP_SEND_WINDOW_MS, otpAddressKey, otpCodeHash } from '../../auth/otp.node.js';
import type { OtpSender } from '../../auth/otp-sender.node.js';
import { turnGrant } from '../../auth/turn.node.js';
import type { RelayContext } from '../../context.js';
import { identityRoom } from '../rooms.js';
import { PREKEYS_LOW_THRESHOLD } from './directory.node.js';
import type { Session } from '../session.node.js';
import type { EventHandler } from './types.js';

/** Codes one address may be sent per hour, and one connection may ask for: SMS costs the operator money. */
const OTP_SENDS_PER_ADDRESS_PER_HOUR = 5;
const OTP_REQUESTS_PER_CONNECTION = 3;
/** How many delivery notices are pushed at auth; the rest follow once these are acknowledged and it reconnects. */
const NOTICES_AT_AUTH = 1000;

/** Sends a fresh challenge and (re)arms the disconnect of a socket that does not answer it in time. */
export function issueChallenge(ctx: RelayContext, session: Session): void {
  const challenge = newChallenge(ctx.randomBytes, ctx.now(), ctx.config.challengeTtlSeconds);
  session.challenge = challenge;
  clearTimeout(session.challengeTimer);
  // A real timer: it only bounds how long an idle unauthenticated socket holds resources.
  session.challengeTimer = setTimeout(() => {
    if (session.identity === undefined) session.socket.disconnect(true);
  }, ctx.config.challengeTtlSeconds * 1000);
  session.challengeTimer.unref();
  session.socket.emit('auth:challenge', {
    nonce: toBase64Url(challenge.nonce),
    expiresAt: challenge.expiresAt,
    relayKey: toBase64Url(ctx.relayKey.publicKey),
    policy: ctx.config.access.policy,
  });
}

export const auth: EventHandler<'auth'> = {
  public: true,
  async handle(request, { ctx, hub, session, afterAck }) {
    if (session.identity !== undefined) {
      throw new ParleyError('ALREADY_AUTHENTICATED', 'this connection is already authenticated');
    }
    // Single use: the first answer consumes the nonce whatever its outcome.
    const challenge = session.challenge;
    session.challenge = undefined;
    let signatureValid = false;
    try {
      const now = ctx.now();
      ctx.authGuards.check(session.address, request.identity);
      try {
        verifyChallengeAnswer(
          challenge,
          request,
          { key: ctx.relayKey.publicKey, hosts: ctx.relayHosts },
          now,
        );
        signatureValid = true;
        await admitIdentity(
          {
            access: ctx.store.access,
            config: ctx.config.access,
            keyedHash: ctx.keyedHash,
            admittingNew: () => ctx.authGuards.admitting(session.address),
          },
          request,
          now,
        );
      } catch (error) {
        if (!isParleyError(error, 'RATE_LIMITED')) {
          ctx.authGuards.failed(session.address, request.identity, signatureValid);
        }
        throw error;
      }
    } catch (error) {
      if (session.socket.connected) issueChallenge(ctx, session);
      throw error;
    }
    // The socket may have gone while the store answered; a closed socket must not be registered anywhere.
    if (!session.socket.connected) throw new ParleyError('CLOSED', 'the connection closed during auth');
    const identity = request.identity;
    const now = ctx.now();
    clearTimeout(session.challengeTimer);
    session.identity = identity;
    (session.socket.data as { identity?: string }).identity = identity;
    // Registered before the join's await, so a disconnect in between unregisters what was registered.
    hub.add(session, identity);
    ctx.metrics.authenticatedClients.inc();
    await session.socket.join(identityRoom(identity));
    await hub.reachable(identity);
    const token = ctx.tokens.issue(identity, now);
    afterAck(async () => {
      await hub.announcePresence(identity, true);
      const notices = await ctx.store.blobs.notices(identity, NOTICES_AT_AUTH);
      for (const notice of notices) session.socket.emit('blob:delivered', notice);
      // Said on every connect while the supply is low: a warning sent while the device was away is not lost.
      const remaining = await ctx.store.directory.remaining(identity);
      if (remaining !== null && remaining < PREKEYS_LOW_THRESHOLD) {
        session.socket.emit('prekeys:low', { remaining });
      }
      await session.feed.drain(
        (limit, afterId) => ctx.store.blobs.pending(identity, limit, afterId),
        () => session.socket.connected && !hub.closing,
      );
    });
    return {
      identity,
      token: token.token,
      tokenExpiresAt: token.expiresAt,
      turn: turnGrant(ctx.config.turn, identity, now),
    };
  },
};

export function otpRequest(sender: OtpSender): EventHandler<'otp:request'> {
  return {
    public: true,
    async handle({ channel, address }, { ctx, session }) {
      if (ctx.config.access.policy !== 'otp') {
        throw new ParleyError('BAD_REQUEST', 'this relay does not use one-time codes');
      }
      session.otpRequests += 1;
      if (session.otpRequests > OTP_REQUESTS_PER_CONNECTION) {
        throw Object.assign(new ParleyError('RATE_LIMITED', 'too many codes requested on this connection'), {
          retryAfter: ctx.config.challengeTtlSeconds,
        });
      }
      const now = ctx.now();
      const windowStart = now - (now % OTP_SEND_WINDOW_MS);
      // Only a keyed hash of the address is stored; the address itself goes to the sender and is forgotten.
      const key = ctx.keyedHash('otp', otpAddressKey(channel, address));
      if ((await ctx.store.access.countOtpSend(key, windowStart)) > OTP_SENDS_PER_ADDRESS_PER_HOUR) {
        throw Object.assign(new ParleyError('RATE_LIMITED', 'too many codes sent to this address'), {
          retryAfter: Math.ceil((windowStart + OTP_SEND_WINDOW_MS - now) / 1000),
        });
      }
      const code = generateOtpCode(ctx.randomBytes);
      await ctx.store.access.saveOtp(
        key,
        otpCodeHash(key, code),
        now + ctx.config.access.otpTtlSeconds * 1000,
      );
      await sender.send(channel, address, code);
      return {};
    },
  };
}

export const turnRefresh: EventHandler<'turn:refresh'> = {
  handle(_request, { ctx, session }) {
    return { turn: turnGrant(ctx.config.turn, session.me, ctx.now()) };
  },
};
