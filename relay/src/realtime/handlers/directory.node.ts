import {
  fromBase64Url,
  identityDhMessage,
  ParleyError,
  signedPreKeyMessage,
  type PreKeyBundle,
} from '@parley/core';
import { verifyEd25519 } from '../../auth/ed25519.node.js';
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

export const fetchPreKeys: EventHandler<'prekeys:fetch'> = {
  async handle({ identity }, { ctx, hub }) {
    const taken = await ctx.store.directory.take(identity);
    if (!taken) throw new ParleyError('NOT_FOUND', 'that identity has published no prekeys');
    // Once, when this fetch took the supply below the threshold; the owner hears it again on every connect.
    const crossed = taken.bundle.oneTimePreKey !== undefined && taken.remaining === PREKEYS_LOW_THRESHOLD - 1;
    if (crossed) {
      hub.io.to(identityRoom(identity)).emit('prekeys:low', { remaining: taken.remaining });
    }
    return { bundle: taken.bundle };
  },
};

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
