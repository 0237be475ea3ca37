import { useCallback } from 'react';
import type { GroupState } from '@parley/core';
import { useAsync, useClient, useClientVersion } from '../../app/client-context.js';
import { useContacts } from '../../app/data/use-conversations.js';
import { strangerName } from './group-rules.js';

/** A group's signed state as this device holds it, re-read on every `group` event; undefined while loading. */
export function useGroupState(groupId: string | undefined): {
  state: GroupState | undefined;
  loaded: boolean;
} {
  const client = useClient();
  const version = useClientVersion(['group']);
  const { value } = useAsync(
    async () => ({ state: groupId === undefined ? undefined : await client.groups.get(groupId) }),
    [client, groupId, version],
  );
  return { state: value?.state, loaded: value !== undefined };
}

/** Display names for accounts: a contact's name, else the start of the account key. */
export function useNameOf(): (account: string) => string {
  const contacts = useContacts();
  return useCallback(
    (account: string) => contacts.get(account)?.displayName ?? strangerName(account),
    [contacts],
  );
}
