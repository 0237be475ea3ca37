import { useRef } from 'react';
import type { ComposerSlotProps } from '../../app/extensions.js';
import { MediaIconButton } from './MediaIcon.js';
import { addPendingFiles } from './media-state.js';

/** The composer's paperclip: chooses files, which open the preview/caption dialog before sending. */
export function AttachButton({ conversation }: ComposerSlotProps) {
  const input = useRef<HTMLInputElement>(null);
  return (
    <>
      <MediaIconButton icon="attach" label="Attach" onClick={() => input.current?.click()} />
      <input
        ref={input}
        type="file"
        multiple
        hidden
        aria-label="Choose files to send"
        onChange={(event) => {
          addPendingFiles(conversation.id, [...(event.target.files ?? [])]);
          event.target.value = '';
        }}
      />
    </>
  );
}
