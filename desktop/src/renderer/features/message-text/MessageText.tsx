import { Fragment, useState } from 'react';
import { emojiOnlyCount, foldAt, linkify } from './message-text.js';
import './message-text.css';

/**
 * A message's text: React text and <a> elements only, never markup. http(s) links open outside the app
 * (a browser tab without opener or referrer; in Electron main's window-open handler asks before
 * shell.openExternal). A long text folds behind "Read more"; one to three emoji alone are drawn large.
 */
export function MessageText({ text, className = 'bubble-text' }: { text: string; className?: string }) {
  const [expanded, setExpanded] = useState(false);
  const cut = expanded ? undefined : foldAt(text);
  const big = emojiOnlyCount(text);
  const shown = cut === undefined ? text : text.slice(0, cut);
  return (
    <p className={`${className} ${big > 0 ? 'emoji-only' : ''}`} data-emoji-only={big > 0 ? big : undefined}>
      {linkify(shown).map((piece, index) =>
        piece.kind === 'link' ? (
          <a key={index} href={piece.href} target="_blank" rel="noopener noreferrer" className="message-link">
            {piece.text}
          </a>
        ) : (
          <Fragment key={index}>{piece.text}</Fragment>
        ),
      )}
      {cut !== undefined && (
        <>
          {'… '}
          <button type="button" className="text-button" onClick={() => setExpanded(true)}>
            Read more
          </button>
        </>
      )}
    </p>
  );
}
