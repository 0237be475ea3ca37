import type { ConversationSlotProps } from '../../app/extensions.js';
import { CallIcon } from './icons.js';
import { useCallStore, useCallView } from './use-call.dom.js';

/** "Voice call" and "Video call" in a one-to-one conversation's header. */
export function CallButtons({ conversation }: ConversationSlotProps) {
  const store = useCallStore();
  const view = useCallView();
  const peer = conversation.kind === 'direct' ? conversation.members[0] : undefined;
  if (peer === undefined) return null;
  const busy = view !== undefined && view.call.phase !== 'ended';
  return (
    <>
      {(['voice', 'video'] as const).map((kind) => {
        const label = kind === 'voice' ? 'Voice call' : 'Video call';
        return (
          <button
            key={kind}
            type="button"
            className="icon-button"
            aria-label={label}
            title={label}
            disabled={busy}
            onClick={() => void store.start(peer, kind === 'video')}
          >
            <CallIcon name={kind === 'voice' ? 'phone' : 'video'} />
          </button>
        );
      })}
    </>
  );
}
