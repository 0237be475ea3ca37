import { useState } from 'react';
import { blobSource, type FileInfo } from '@parley/core';
import { useClient } from '../../app/client-context.js';
import { MediaIconButton } from './MediaIcon.js';
import { fileBlob, useTransferProgress } from './media-files.dom.js';
import { percent } from './media-format.js';

/**
 * A file still moving, on either side: a bar, the percentage, and a button that cancels it (a relay upload
 * or download stops; a direct transfer stops at both ends, and the other side shows it cancelled).
 */
export function TransferProgress({ info }: { info: FileInfo }) {
  const client = useClient();
  const progress = useTransferProgress(info.messageId);
  const [cancelling, setCancelling] = useState(false);
  if (info.state === 'failed' && info.direction === 'send') return <RetryUpload info={info} />;
  if (info.state !== 'transferring') return null;
  const value = progress === undefined ? 0 : percent(progress.bytes, progress.total);
  const sending = info.direction === 'send';
  const verb = sending ? 'Sending' : 'Receiving';
  return (
    <div className="media-transfer">
      <div
        className="media-progress"
        role="progressbar"
        aria-label={`${verb} ${info.name}`}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={value}
      >
        <div className="media-progress-fill" style={{ width: `${value}%` }} />
      </div>
      <span className="media-percent" aria-hidden="true">
        {value}%
      </span>
      <MediaIconButton
        icon="close"
        label={`Cancel ${sending ? 'sending' : 'receiving'} ${info.name}`}
        className="media-cancel"
        disabled={cancelling}
        onClick={() => {
          setCancelling(true);
          try {
            client.files.cancel(info.messageId);
          } catch {
            setCancelling(false); // it ended meanwhile: the card re-reads its state
          }
        }}
      />
    </div>
  );
}

/**
 * Our own file whose upload failed (or stopped when the app closed): send it again from this device's copy
 * of it. Without a copy (a browser that keeps none), the reason beside it says to choose the file again.
 */
function RetryUpload({ info }: { info: FileInfo }) {
  const client = useClient();
  const [failure, setFailure] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  return (
    <div className="media-transfer">
      <MediaIconButton
        icon="retry"
        label={`Retry sending ${info.name}`}
        className="media-cancel"
        disabled={busy}
        onClick={() => {
          setBusy(true);
          setFailure(undefined);
          void (async () => {
            const copy = await fileBlob(client, info);
            if (copy === undefined) throw new Error('This device kept no copy: send the file again.');
            const { uploaded } = await client.files.retry(info.messageId, blobSource(copy, info.name));
            void uploaded.catch(() => undefined); // the bubble shows how it ends
          })()
            .catch((error: unknown) => setFailure(error instanceof Error ? error.message : String(error)))
            .finally(() => setBusy(false));
        }}
      />
      {failure !== undefined && <span className="media-failed">{sentence(failure)}</span>}
    </div>
  );
}

/** What a file that stopped says instead of its progress; a failure says why, as a sentence. */
export function transferEnding(info: FileInfo): string | undefined {
  if (info.state === 'cancelled') {
    if (info.cancelledBy === 'local') return 'You cancelled it';
    return info.direction === 'send' ? 'Cancelled by the recipient' : 'Cancelled by the sender';
  }
  if (info.state === 'failed') return info.reason === undefined ? 'Transfer failed' : sentence(info.reason);
  return undefined;
}

/** The engine's reasons are lower-case clauses ("the sender cannot send the file: …"): one sentence. */
function sentence(text: string): string {
  const trimmed = text.trim().replace(/[.\s]+$/u, '');
  return `${trimmed.charAt(0).toUpperCase()}${trimmed.slice(1)}.`;
}
