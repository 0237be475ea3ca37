import { useEffect, useRef } from 'react';
import { EMOJI } from './emoji.js';

export function EmojiPicker({ onPick, onClose }: { onPick: (emoji: string) => void; onClose: () => void }) {
  const grid = useRef<HTMLDivElement>(null);
  useEffect(() => {
    grid.current?.querySelector<HTMLElement>('button')?.focus();
  }, []);
  return (
    <div
      className="emoji-picker"
      role="dialog"
      aria-label="Emoji"
      ref={grid}
      onKeyDown={(event) => {
        if (event.key === 'Escape') {
          event.stopPropagation();
          onClose();
        }
      }}
    >
      {EMOJI.map((emoji) => (
        <button key={emoji} type="button" aria-label={emoji} onClick={() => onPick(emoji)}>
          {emoji}
        </button>
      ))}
    </div>
  );
}
