import { groupCallLineOf } from '@parley/core';
import type { MessageBodyProps } from '../../app/extensions.js';
import { useClient } from '../../app/client-context.js';
import { useNameOf } from '../groups/use-group.js';
import { describeGroupCallLine } from './group-call-line-text.js';

/** The line a finished group call left in the group (written by the engine on every member's device). */
export function GroupCallLine({ message }: MessageBodyProps) {
  const client = useClient();
  const nameOf = useNameOf();
  const entry = groupCallLineOf(message);
  if (entry === undefined) return null;
  const startedBy = entry.startedBy === client.account ? 'you' : nameOf(entry.startedBy);
  return (
    <p className="system-line">
      <span>{describeGroupCallLine(entry, startedBy)}</span>
    </p>
  );
}
