import { groupChangeOf } from '@parley/core';
import type { MessageBodyProps } from '../../app/extensions.js';
import { useClient } from '../../app/client-context.js';
import { describeChange } from './group-rules.js';
import { useNameOf } from './use-group.js';
import './groups.css';

/**
 * A group change the engine stored in the conversation ("Ann removed Cat"), drawn as a centred system line
 * where it happened among the messages. One change may say several things (added two people, renamed).
 */
export function GroupChangeLine({ message }: MessageBodyProps) {
  const client = useClient();
  const nameOf = useNameOf();
  const change = groupChangeOf(message);
  const lines = change === undefined ? [] : describeChange(change, client.account, nameOf);
  if (lines.length === 0) return null;
  return (
    <>
      {lines.map((line, index) => (
        <p key={index} className="system-line">
          <span>{line}</span>
        </p>
      ))}
    </>
  );
}
