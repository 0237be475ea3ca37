import type { NewMessage, StoredMessage } from '../../storage/index.js';
import { PRIMARY_DEVICE, directConversationId } from '../shared/addresses.js';

/**
 * The line a contact's device change leaves in its one-to-one conversation ("a new device was linked"),
 * stored like a call line: `kind: 'device'`, never sent, never unread, not searchable. Its text is
 * `{ added, removed }` (device ids) as JSON; the safety number does not change (docs/crypto.md).
 */
export interface DeviceChange {
  readonly account: string;
  readonly counter: number;
  readonly added: readonly number[];
  readonly removed: readonly number[];
}

export function deviceLineMessageId(account: string, counter: number): string {
  return `device:${account}:${counter}`;
}

export async function recordDeviceLine(
  messages: {
    insert(message: NewMessage): Promise<'inserted' | 'duplicate'>;
    get(id: string): Promise<StoredMessage | undefined>;
  },
  change: DeviceChange,
  now: number,
): Promise<StoredMessage | undefined> {
  const line: NewMessage = {
    id: deviceLineMessageId(change.account, change.counter),
    conversationId: directConversationId(change.account),
    sender: { name: change.account, deviceId: PRIMARY_DEVICE },
    sentAt: now,
    senderCounter: 0,
    receivedAt: now,
    direction: 'incoming',
    state: 'read',
    text: JSON.stringify({ added: change.added, removed: change.removed }),
    kind: 'device',
  };
  if ((await messages.insert(line)) === 'duplicate') return undefined;
  return messages.get(line.id);
}

/** What a stored device line says; undefined for any other message. */
export function deviceLineOf(
  message: Pick<StoredMessage, 'kind' | 'text'>,
): { added: number[]; removed: number[] } | undefined {
  if (message.kind !== 'device') return undefined;
  try {
    const parsed = JSON.parse(message.text) as { added?: unknown; removed?: unknown };
    const ids = (value: unknown) =>
      Array.isArray(value) ? value.filter((id): id is number => Number.isInteger(id)) : [];
    return { added: ids(parsed.added), removed: ids(parsed.removed) };
  } catch {
    return undefined;
  }
}
