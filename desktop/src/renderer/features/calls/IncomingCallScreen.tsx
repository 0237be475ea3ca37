import { useState } from 'react';
import { Avatar } from '../../ui/Avatar.js';
import type { CallView } from './call-store.dom.js';
import { QUICK_REPLIES } from './call-screen-text.js';
import { CallControl } from './CallControl.js';
import { useCallStore } from './use-call.dom.js';

/** The full incoming-call screen: who calls and how, accept (with or without video), decline, or reply. */
export function IncomingCallScreen({
  view,
  name,
  avatar,
}: {
  view: CallView;
  name: string;
  avatar?: string;
}) {
  const store = useCallStore();
  const [replying, setReplying] = useState(false);
  const [text, setText] = useState('');
  const video = view.call.media === 'video';
  const kind = video ? 'video call' : 'voice call';
  return (
    <div
      className="call-screen call-incoming"
      role="dialog"
      aria-modal="true"
      aria-label={`Incoming ${kind} from ${name}`}
    >
      <div className="call-identity">
        <Avatar name={name} seed={view.call.peer} image={avatar} size={120} />
        <h2>{name}</h2>
        <p className="call-status">Incoming {kind}</p>
      </div>
      {replying ? (
        <form
          className="call-replies"
          aria-label="Decline with a message"
          onSubmit={(event) => {
            event.preventDefault();
            if (text.trim() !== '') store.decline(text);
          }}
        >
          <ul>
            {QUICK_REPLIES.map((reply) => (
              <li key={reply}>
                <button type="button" className="call-reply" onClick={() => store.decline(reply)}>
                  {reply}
                </button>
              </li>
            ))}
          </ul>
          <div className="call-reply-own">
            <input
              aria-label="Your message"
              placeholder="Write a message…"
              maxLength={500}
              value={text}
              onChange={(event) => setText(event.target.value)}
            />
            <button type="submit" className="call-reply">
              Send
            </button>
          </div>
          <button type="button" className="call-reply" onClick={() => setReplying(false)}>
            Back
          </button>
        </form>
      ) : (
        <div className="call-controls">
          <CallControl icon="hangup" label="Decline" tone="danger" onClick={() => store.decline()} />
          <CallControl icon="message" label="Decline with a message" onClick={() => setReplying(true)} />
          {video && (
            <CallControl
              icon="phone"
              label="Accept without video"
              tone="accept"
              onClick={() => void store.accept(false)}
            />
          )}
          <CallControl
            icon={video ? 'video' : 'phone'}
            label={video ? 'Accept with video' : 'Accept'}
            tone="accept"
            onClick={() => void store.accept(video)}
          />
        </div>
      )}
    </div>
  );
}
