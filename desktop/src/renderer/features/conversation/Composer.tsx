import { lazy, Suspense, useCallback, useEffect, useRef, useState } from 'react';
import type { Conversation, StoredMessage } from '@parley/core';
import { useClient } from '../../app/client-context.js';
import { useRegistry } from '../../app/registry-context.js';
import { IconButton } from '../../ui/Button.js';
import { TypingSignal } from './typing-signal.js';
import { errorText } from '../../ui/error-text.js';
import { FormError } from '../../ui/FormError.js';

// The picker (and its emoji list) loads the first time it is opened.
const EmojiPicker = lazy(() =>
  import('./EmojiPicker.js').then((module) => ({ default: module.EmojiPicker })),
);

export type ComposerMode =
  | { readonly kind: 'new' }
  | { readonly kind: 'reply'; readonly message: StoredMessage }
  | { readonly kind: 'edit'; readonly message: StoredMessage };

/** Text with emoji; Enter sends, Shift+Enter starts a new line, Esc cancels a reply or an edit. */
export function Composer({
  conversation,
  mode,
  setMode,
  onSent,
  onEdited,
}: {
  conversation: Conversation;
  mode: ComposerMode;
  setMode: (mode: ComposerMode) => void;
  onSent: (message: StoredMessage) => void;
  onEdited: (messageId: string) => void;
}) {
  const client = useClient();
  const registry = useRegistry();
  const input = useRef<HTMLTextAreaElement>(null);
  const [text, setText] = useState('');
  const [picker, setPicker] = useState(false);
  const [error, setError] = useState<string | undefined>();
  const peer = conversation.kind === 'direct' ? conversation.members[0] : undefined;
  const typing = useRef<TypingSignal | undefined>(undefined);

  useEffect(() => {
    if (peer === undefined) return;
    const signal = new TypingSignal((value) => {
      client.presence.setTyping(peer, value).catch(() => undefined); // best effort: typing is never queued
    });
    typing.current = signal;
    return () => {
      signal.stop();
      typing.current = undefined;
    };
  }, [client, peer]);

  useEffect(() => {
    if (mode.kind === 'edit') setText(mode.message.text);
    if (mode.kind !== 'new') input.current?.focus();
  }, [mode]);

  useEffect(() => {
    const element = input.current;
    if (element === null) return;
    element.style.height = 'auto';
    element.style.height = `${Math.min(element.scrollHeight, 160)}px`;
  }, [text]);

  const insertText = useCallback((insert: string) => {
    const element = input.current;
    if (element === null) return setText((value) => value + insert);
    const start = element.selectionStart;
    const end = element.selectionEnd;
    setText((value) => value.slice(0, start) + insert + value.slice(end));
    requestAnimationFrame(() => {
      element.focus();
      element.setSelectionRange(start + insert.length, start + insert.length);
    });
  }, []);

  async function send() {
    const body = text.trim();
    if (body === '') return;
    setError(undefined);
    typing.current?.stop();
    const current = mode;
    setText('');
    setMode({ kind: 'new' });
    try {
      if (current.kind === 'edit') {
        if (body !== current.message.text) {
          await client.messages.edit(current.message.id, body);
          onEdited(current.message.id);
        }
      } else {
        const stored = await client.messages.send(
          conversation.id,
          body,
          current.kind === 'reply' ? { replyTo: current.message.id } : {},
        );
        onSent(stored);
      }
    } catch (failure) {
      setText(body);
      setError(errorText(failure, 'Sending the message'));
    }
  }

  return (
    <footer className="composer">
      {mode.kind !== 'new' && (
        <div className="composer-context">
          <div className="composer-context-text">
            <span className="quote-name">{mode.kind === 'reply' ? 'Replying to' : 'Editing'}</span>
            <span className="quote-text">{mode.message.text}</span>
          </div>
          <IconButton
            icon="close"
            label={mode.kind === 'reply' ? 'Cancel reply' : 'Cancel edit'}
            onClick={() => {
              if (mode.kind === 'edit') setText('');
              setMode({ kind: 'new' });
            }}
          />
        </div>
      )}
      <FormError message={error} />
      <div className="composer-row">
        <IconButton
          icon="smile"
          label="Emoji"
          aria-expanded={picker}
          onClick={() => setPicker((open) => !open)}
        />
        {registry.composerActions.map((Action, index) => (
          <Action key={index} conversation={conversation} insertText={insertText} />
        ))}
        <textarea
          ref={input}
          className="composer-input"
          aria-label="Type a message"
          placeholder="Type a message"
          rows={1}
          value={text}
          onChange={(event) => {
            setText(event.target.value);
            if (event.target.value !== '') typing.current?.typed();
          }}
          onKeyDown={(event) => {
            if (event.key === 'Enter' && !event.shiftKey && !event.nativeEvent.isComposing) {
              event.preventDefault();
              void send();
            } else if (event.key === 'Escape') {
              if (picker) setPicker(false);
              else if (mode.kind !== 'new') {
                if (mode.kind === 'edit') setText('');
                setMode({ kind: 'new' });
              }
            }
          }}
        />
        <IconButton icon="send" label="Send" onClick={() => void send()} />
      </div>
      {picker && (
        <Suspense fallback={null}>
          <EmojiPicker
            onPick={(emoji) => insertText(emoji)}
            onClose={() => {
              setPicker(false);
              input.current?.focus();
            }}
          />
        </Suspense>
      )}
    </footer>
  );
}
