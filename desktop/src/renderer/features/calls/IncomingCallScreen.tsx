import { useState } from 'react';
import { Avatar } from '../../ui/Avatar.js';
import type { CallView } from './call-store.dom.js';
import { QUICK_REPLIES } from './call-screen-text.js';
import { CallIcon } from './icons.js';
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
          <button
            type="button"
            className="call-button call-danger"
            aria-label="Decline"
            title="Decline"
            onClick={() => store.decline()}
          >
            <CallIcon name="hangup" />
          </button>
          <button
            type="button"
            className="call-button"
            aria-label="Decline with a message"
            title="Decline with a message"
            onClick={() => setReplying(true)}
          >
            <CallIcon name="message" />
          </button>
          {video && (
            <button
              type="button"
              className="call-button call-accept"
              aria-label="Accept without video"
              title="Accept without video"
              onClick={() => void store.accept(false)}
            >
              <CallIcon name="phone" />
            </button>
          )}
          <button
            type="button"
            className="call-button call-accept"
            aria-label={video ? 'Accept with video' : 'Accept'}
            title={video ? 'Accept with video' : 'Accept'}
            onClick={() => void store.accept(video)}
          >
            <CallIcon name={video ? 'video' : 'phone'} />
          </button>
        </div>
      )}
    </div>
  );
}
