import { useEffect, useRef, useState, useSyncExternalStore } from 'react';
import { useClient } from '../../app/client-context.js';
import type { ConversationSlotProps } from '../../app/extensions.js';
import { Button } from '../../ui/Button.js';
import { Modal } from '../../ui/Modal.js';
import { sendFiles } from './media-files.dom.js';
import { formatBytes, mediaKind, typeLabel } from './media-format.js';
import { addPendingFiles, pendingFiles } from './media-state.js';
import { FormError } from '../../ui/FormError.js';
import './media.css';
import { errorText } from '../../ui/error-text.js';

/**
 * Mounted in the open conversation: files dragged onto it or pasted into it (and those the paperclip chose)
 * open the preview/caption dialog; sending shows a strip until each file's message is written.
 */
export function MediaDropZone({ conversation }: ConversationSlotProps) {
  const anchor = useRef<HTMLSpanElement>(null);
  const [dragging, setDragging] = useState(false);
  const pending = useSyncExternalStore(pendingFiles.subscribe, pendingFiles.get);

  useEffect(() => {
    const pane = anchor.current?.parentElement;
    if (pane === null || pane === undefined) return;
    let depth = 0;
    const hasFiles = (event: DragEvent) => event.dataTransfer?.types.includes('Files') ?? false;
    const onEnter = (event: DragEvent) => {
      if (!hasFiles(event)) return;
      depth++;
      setDragging(true);
    };
    const onOver = (event: DragEvent) => {
      if (!hasFiles(event)) return;
      event.preventDefault();
      if (event.dataTransfer !== null) event.dataTransfer.dropEffect = 'copy';
    };
    const onLeave = (event: DragEvent) => {
      if (!hasFiles(event)) return;
      depth = Math.max(0, depth - 1);
      if (depth === 0) setDragging(false);
    };
    const onDrop = (event: DragEvent) => {
      if (!hasFiles(event)) return;
      event.preventDefault();
      depth = 0;
      setDragging(false);
      addPendingFiles(conversation.id, [...(event.dataTransfer?.files ?? [])]);
    };
    const onPaste = (event: ClipboardEvent) => {
      const files = [...(event.clipboardData?.files ?? [])];
      if (files.length === 0) return; // plain text pastes into the composer as usual
      event.preventDefault();
      addPendingFiles(conversation.id, files);
    };
    pane.addEventListener('dragenter', onEnter);
    pane.addEventListener('dragover', onOver);
    pane.addEventListener('dragleave', onLeave);
    pane.addEventListener('drop', onDrop);
    pane.addEventListener('paste', onPaste);
    return () => {
      pane.removeEventListener('dragenter', onEnter);
      pane.removeEventListener('dragover', onOver);
      pane.removeEventListener('dragleave', onLeave);
      pane.removeEventListener('drop', onDrop);
      pane.removeEventListener('paste', onPaste);
    };
  }, [conversation.id]);

  return (
    <span ref={anchor} className="media-anchor">
      {dragging && (
        <div className="media-drop-overlay" aria-hidden="true">
          <p>Drop files to send to {conversation.title}</p>
        </div>
      )}
      {pending !== undefined && pending.conversationId === conversation.id && (
        <SendFilesDialog conversationId={conversation.id} files={pending.files} failure={pending.failure} />
      )}
    </span>
  );
}

function SendFilesDialog({
  conversationId,
  files,
  failure,
}: {
  conversationId: string;
  files: readonly File[];
  failure: string | undefined;
}) {
  const client = useClient();
  const [caption, setCaption] = useState('');
  const close = () => pendingFiles.set(undefined);
  const title =
    files.length === 1
      ? `Send ${mediaKind(files[0]?.type ?? '', false) === 'image' ? 'photo' : 'file'}`
      : `Send ${files.length} files`;

  // The dialog closes at once: each file's bubble shows its upload (progress, cancel). Only a file that
  // could not even start (too large, say) brings the dialog back with the reason.
  function send() {
    close();
    sendFiles(client, conversationId, files, caption).catch((error: unknown) => {
      pendingFiles.set({
        conversationId,
        files,
        failure: errorText(error, 'Sending the file'),
      });
    });
  }

  return (
    <Modal title={title} onClose={close}>
      <form
        className="send-files"
        onSubmit={(event) => {
          event.preventDefault();
          send();
        }}
      >
        <ul className="send-files-list" aria-label="Files to send">
          {files.map((file, index) => (
            <li key={index}>
              <FilePreview file={file} />
            </li>
          ))}
        </ul>
        <input
          className="send-files-caption"
          aria-label="Caption"
          placeholder="Add a caption"
          maxLength={4000}
          value={caption}
          onChange={(event) => setCaption(event.target.value)}
        />
        <FormError message={failure} />
        <div className="send-files-actions">
          <Button variant="secondary" onClick={close}>
            Cancel
          </Button>
          <Button type="submit">Send</Button>
        </div>
      </form>
    </Modal>
  );
}

function FilePreview({ file }: { file: File }) {
  const kind = mediaKind(file.type, false);
  const [url, setUrl] = useState<string | undefined>();
  useEffect(() => {
    if (kind !== 'image' && kind !== 'video') return;
    const made = URL.createObjectURL(file);
    setUrl(made);
    return () => URL.revokeObjectURL(made);
  }, [file, kind]);
  if (url !== undefined && kind === 'image')
    return <img className="send-files-preview" src={url} alt={`Preview of ${file.name}`} />;
  if (url !== undefined && kind === 'video')
    return <video className="send-files-preview" src={url} muted aria-label={`Preview of ${file.name}`} />;
  return (
    <div className="file-card">
      <span className="file-card-icon" aria-hidden="true">
        {typeLabel(file.name, file.type)}
      </span>
      <div className="file-card-text">
        <span className="file-card-name">{file.name}</span>
        <span className="file-card-meta">{formatBytes(file.size)}</span>
      </div>
    </div>
  );
}
