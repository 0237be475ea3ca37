import {
  fromBase64Url,
  identityDhMessage,
  ParleyError,
  signedPreKeyMessage,
  type PreKeyBundle,
} from '@parley/core';
import { verifyEd25519 } from '../../auth/ed25519.node.js';
import type { RateLimit } from '../../config.js';
import type { RelayContext } from '../../context.js';
import { EventBudget } from '../event-budget.js';
import { identityRoom } from '../rooms.js';
import type { EventHandler } from './types.js';

/** Below this many one-time prekeys the owner is told to publish more. */
export const PREKEYS_LOW_THRESHOLD = 20;

/** Throws BAD_BUNDLE or INVALID_SIGNATURE unless the bundle is the socket's own and both signatures verify. */
export function checkBundle(bundle: PreKeyBundle, identity: string): void {
  if (bundle.identityKey !== identity) {
    throw new ParleyError('BAD_BUNDLE', "a bundle's identity key must be the publishing identity");
  }
  const keyIds = new Set(bundle.oneTimePreKeys.map((key) => key.keyId));
  if (keyIds.size !== bundle.oneTimePreKeys.length) {
    throw new ParleyError('BAD_BUNDLE', 'one-time prekey ids repeat within the bundle');
  }
  const identityKey = fromBase64Url(identity);
  const dhSigned = verifyEd25519(
    identityKey,
    identityDhMessage(fromBase64Url(bundle.identityDhKey)),
    fromBase64Url(bundle.identityDhSignature),
  );
  const spk = bundle.signedPreKey;
  const spkSigned = verifyEd25519(
    identityKey,
    signedPreKeyMessage(spk.keyId, fromBase64Url(spk.publicKey)),
    fromBase64Url(spk.signature),
  );
  if (!dhSigned || !spkSigned) {
    throw new ParleyError('INVALID_SIGNATURE', 'the bundle is not signed by its identity key');
  }
}

export const publishPreKeys: EventHandler<'prekeys:publish'> = {
  // 200 one-time prekeys of ~70 bytes each plus the signed parts.
  maxBytes: 32 * 1024,
  async handle({ bundle }, { ctx, session }) {
    checkBundle(bundle, session.me);
    return { oneTimePreKeys: await ctx.store.directory.publish(bundle) };
  },
};

/**
 * Hands out a bundle with one one-time prekey, within two budgets (config.prekeyFetchLimits): the
 * requester's, and the target's whoever asks, so no one, nor a crowd of identities, drains a device's
 * one-time prekeys faster than its owner replenishes them. Per process, like the dispatcher's limits.
 */
export function fetchPreKeys(ctx: RelayContext): EventHandler<'prekeys:fetch'> {
  const { perRequester, perTarget } = ctx.config.prekeyFetchLimits;
  const budget = (limit: RateLimit) => new EventBudget(limit.points, limit.windowSeconds * 1000, ctx.now);
  const requesters = budget(perRequester);
  const targets = budget(perTarget);
  return {
    async handle({ identity }, { ctx, hub, session }) {
      spendOrRefuse(requesters, session.me, 'too many prekey fetches; slow down');
      spendOrRefuse(targets, identity, "too many fetches of this identity's prekeys; try again later");
      const taken = await ctx.store.directory.take(identity);
      if (!taken) throw new ParleyError('NOT_FOUND', 'that identity has published no prekeys');
      // Once, when this fetch took the supply below the threshold; the owner hears it again on every connect.
      const crossed =
        taken.bundle.oneTimePreKey !== undefined && taken.remaining === PREKEYS_LOW_THRESHOLD - 1;
      if (crossed) {
        hub.io.to(identityRoom(identity)).emit('prekeys:low', { remaining: taken.remaining });
      }
      return { bundle: taken.bundle };
    },
  };
}

function spendOrRefuse(budget: EventBudget, key: string, message: string): void {
  const waitMs = budget.take(key);
  if (waitMs > 0) {
    const error = new ParleyError('RATE_LIMITED', message);
    throw Object.assign(error, { retryAfter: Math.max(1, Math.ceil(waitMs / 1000)) });
  }
}

export const setUsername: EventHandler<'username:set'> = {
  async handle({ username }, { ctx, session }) {
    await ctx.store.directory.setUsername(session.me, username);
    return {};
  },
};

export const resolveUsername: EventHandler<'username:resolve'> = {
  async handle({ username }, { ctx }) {
    const identity = await ctx.store.directory.resolveUsername(username);
    if (identity === null) throw new ParleyError('NOT_FOUND', 'no identity has that username');
    return { identity };
  },
};
