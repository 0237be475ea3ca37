import { useEffect, useSyncExternalStore } from 'react';
import type { ParleyClient } from '@parley/core';
import { useClient, useClientEvent } from '../../app/client-context.js';
import { GroupChangeLog, type ChangeLine } from './change-log.js';
import { describeGroupChange, groupIdOf } from './group-rules.js';
import { useNameOf } from './use-group.js';

interface Entry {
  readonly log: GroupChangeLog;
  nameOf: (account: string) => string;
}

/** One log per running client, shared by the service that fills it and the conversations that show it. */
const entries = new WeakMap<ParleyClient, Entry>();

function entryFor(client: ParleyClient): Entry {
  let entry = entries.get(client);
  if (entry === undefined) {
    const created: Entry = {
      log: new GroupChangeLog(
        (before, after) => describeGroupChange(before, after, client.account, created.nameOf),
        () => Date.now(),
      ),
      nameOf: (account) => account.slice(0, 8),
    };
    entries.set(client, created);
    entry = created;
  }
  return entry;
}

/** Mounted once: seeds the log with the groups already stored, then records every `group` event. */
export function GroupChangeService() {
  const client = useClient();
  const nameOf = useNameOf();
  const entry = entryFor(client);
  entry.nameOf = nameOf;
  useClientEvent('group', ({ state }) => entry.log.observe(state));
  useEffect(() => {
    let live = true;
    void (async () => {
      const conversations = await client.db.conversations.listRecent(1000);
      for (const conversation of conversations) {
        if (!live || conversation.kind !== 'group') continue;
        const state = await client.groups.get(groupIdOf(conversation.id) ?? '');
        if (state !== undefined) entry.log.remember(state);
      }
    })().catch(() => undefined); // without a seed, the first change reads as "added you": harmless
    return () => {
      live = false;
    };
  }, [client, entry]);
  return null;
}

/** The system lines recorded for one group while the app runs. */
export function useChangeLines(groupId: string): readonly ChangeLine[] {
  const { log } = entryFor(useClient());
  useSyncExternalStore(log.subscribe, log.version);
  return log.lines(groupId);
}
