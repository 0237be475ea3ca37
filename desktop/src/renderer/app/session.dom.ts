import {
  ParleyClient,
  type KeyWrapperSource,
  type ParleyClientOptions,
  type RelayAccess,
} from '@parley/core';
import { browserPlatform } from '../platform/browser-platform.dom.js';
import { receivedFileSink } from '../platform/received-files.dom.js';
import { testCallTimeouts } from '../platform/test-options.dom.js';
import { LiveState } from './live-state.js';
import { DATABASE_NAME, type Profile } from './profile.js';

/** One running client and what the UI keeps beside it; closed together when the person locks or leaves. */
export interface Session {
  readonly client: ParleyClient;
  readonly profile: Profile;
  readonly live: LiveState;
}

async function clientOptions(
  profile: Profile,
  keyWrapper: KeyWrapperSource,
  access: RelayAccess | undefined,
): Promise<ParleyClientOptions> {
  // Received files go to the Origin Private File System when the browser has one (received-files.dom.ts).
  const fileSink = await receivedFileSink();
  return {
    ...browserPlatform(),
    ...(fileSink === undefined ? {} : { fileSink }),
    ...testCallTimeouts(),
    databaseName: DATABASE_NAME,
    keyWrapper,
    relayUrl: profile.relayUrl,
    displayName: profile.displayName,
    ...(access === undefined ? {} : { access }),
  };
}

/**
 * Starts the client on this device's database. `access` (an invite or one-time code) is shown to a relay
 * that is not open on the identity's first authentication. Presence visibility and read receipts follow
 * the settings the engine keeps (features/settings changes them).
 */
export async function startSession(
  profile: Profile,
  keyWrapper: KeyWrapperSource,
  access?: RelayAccess,
): Promise<Session> {
  const client = await ParleyClient.start(await clientOptions(profile, keyWrapper, access));
  return { client, profile, live: new LiveState(client) };
}

/** Restores an encrypted backup into this device's (empty) database and starts the client on it. */
export async function restoreSession(
  profile: Profile,
  keyWrapper: KeyWrapperSource,
  backup: Uint8Array,
  passphrase: string,
): Promise<Session> {
  const client = await ParleyClient.importBackup(
    backup,
    passphrase,
    await clientOptions(profile, keyWrapper, undefined),
  );
  return { client, profile, live: new LiveState(client) };
}

export async function closeSession(session: Session): Promise<void> {
  session.live.close();
  await session.client.close();
}

/**
 * Resolves once the client is authenticated with its home relay (prekeys published); rejects with the
 * relay's refusal (wrong invite or code) as soon as it comes, or after `ms` without an answer.
 */
export function whenConnected(client: ParleyClient, ms = 15_000): Promise<void> {
  if (client.connected) return Promise.resolve();
  if (client.access.denied !== undefined) return Promise.reject(client.access.denied);
  return new Promise((resolve, reject) => {
    const finish = (error?: unknown) => {
      clearInterval(poll);
      clearTimeout(timer);
      stopDenied();
      if (error === undefined) resolve();
      else reject(error instanceof Error ? error : new Error(String(error)));
    };
    const stopDenied = client.on('access-denied', ({ error }) => finish(error));
    const poll = setInterval(() => {
      if (client.connected) finish();
    }, 100);
    const timer = setTimeout(
      () => finish(new Error('The relay did not answer; check its address and your connection')),
      ms,
    );
  });
}
