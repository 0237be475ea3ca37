import { callLineOf } from '@parley/core';
import type { MessageBodyProps } from '../../app/extensions.js';
import { describeCallLine } from './call-line-text.js';

/** A call-log line the engine stored in the conversation, as a centred system line. */
export function CallLine({ message }: MessageBodyProps) {
  const entry = callLineOf(message);
  if (entry === undefined) return null;
  return (
    <p className="system-line" data-call-outcome={entry.outcome}>
      <span>{describeCallLine(entry)}</span>
    </p>
  );
}
