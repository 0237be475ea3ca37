import type { VerificationState } from '@parley/core';
import { useAsync, useClient, useClientVersion, useLive } from '../../app/client-context.js';

/** The contact's verification, re-read when it changes (and after a message, when a key may have changed). */
export function useVerification(account: string | undefined): VerificationState | undefined {
  const client = useClient();
  const version = useClientVersion(['verification', 'message']);
  const local = useLive((live) => live.localVersion);
  const { value } = useAsync(
    async () => ({
      account,
      state: account === undefined ? undefined : await client.contacts.verification(account),
    }),
    [client, account, version, local],
  );
  // useAsync keeps the previous value while reloading: never show another contact's state.
  return value?.account === account ? value?.state : undefined;
}
