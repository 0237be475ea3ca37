import type { KeyWrapperSource, LinkEvents, LinkJoin } from '@parley/core';
import { deleteClientDatabase, type Profile } from '../../app/profile.js';
import { closeSession, startSession, whenConnected, type Session } from '../../app/session-loader.js';

/*
 * A new device joining an existing account, in the steps ParleyClient's linking takes: a client starts on a
 * fresh database (its own identity key, which the account will list), `client.linking.join(payload)` runs the
 * handshake and moves the history, and the next start adopts the account (account/device.ts
 * `joinedAccountList`): from then on this device speaks for it.
 */

/** Starts the fresh client the handshake runs on, connected to the payload's relay. */
export async function startJoining(profile: Profile, keyWrapper: KeyWrapperSource): Promise<Session> {
  const session = await startSession(profile, keyWrapper);
  try {
    await whenConnected(session.client);
    return session;
  } catch (error) {
    await forgetJoining(session);
    throw error;
  }
}

/**
 * Resolves once the join finished (history moved, or none offered) with the account's name as the other
 * device sent it; rejects with the attempt's error when it is declined, refused or breaks.
 */
export function joinFinished(join: LinkJoin): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    let displayName: string | undefined;
    const offs = [
      join.on('linked', (linked: LinkEvents['linked']) => {
        displayName = linked.displayName;
      }),
      // A declined or failed attempt changes phase first, then says why.
      join.on('error', (error) => finish(() => reject(error))),
      join.on('phase', (phase) => {
        if (phase === 'done') finish(() => resolve(displayName));
      }),
    ];
    function finish(settle: () => void) {
      offs.forEach((off) => off());
      settle();
    }
    if (join.phase === 'done') finish(() => resolve(displayName));
  });
}

/** Closes the joining client and starts again on the same database: now as the account's linked device. */
export async function adoptJoined(
  joining: Session,
  profile: Profile,
  keyWrapper: KeyWrapperSource,
): Promise<Session> {
  await closeSession(joining);
  const session = await startSession(profile, keyWrapper);
  await whenConnected(session.client);
  return session;
}

/**
 * A link that did not finish leaves nothing behind: the fresh identity made for it is deleted, so the next
 * attempt (or "Create my identity") starts clean, with whatever passphrase is chosen then.
 */
export async function forgetJoining(session: Session): Promise<void> {
  await closeSession(session).catch(() => undefined);
  await deleteClientDatabase(indexedDB);
}
