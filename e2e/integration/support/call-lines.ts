import { callLineOf, type CallLogEntry, type ParleyClient } from '@parley/core';

/** The call lines of `client`'s conversation with `account`, oldest first. */
export async function callLines(client: ParleyClient, account: string): Promise<CallLogEntry[]> {
  const page = await client.messages.page(client.conversations.direct(account));
  return page.messages
    .map(callLineOf)
    .filter((line) => line !== undefined)
    .reverse();
}
