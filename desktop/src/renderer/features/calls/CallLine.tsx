import { callLineOf } from '@parley/core';
import type { MessageBodyProps } from '../../app/extensions.js';
import { describeCallLine } from './call-line-text.js';
import { CallIcon } from './icons.js';
import { useCallStore, useCallView } from './use-call.dom.js';

/** A call-log line the engine stored in the conversation, as a centred system line; clicking it calls back. */
export function CallLine({ message }: MessageBodyProps) {
  const store = useCallStore();
  const view = useCallView();
  const entry = callLineOf(message);
  if (entry === undefined) return null;
  const text = describeCallLine(entry);
  const busy = view !== undefined && view.call.phase !== 'ended';
  return (
    <p className="system-line call-line" data-call-outcome={entry.outcome}>
      <button
        type="button"
        className="call-line-button"
        aria-label={`Call back: ${text}`}
        title="Call back"
        disabled={busy}
        onClick={() => void store.start(entry.peer, entry.media === 'video')}
      >
        <CallIcon name={entry.media === 'video' ? 'video' : 'phone'} size={16} />
        <span>{text}</span>
      </button>
    </p>
  );
}
