import { useState } from 'react';
import type { FileInfo } from '@parley/core';
import { useClient } from '../../app/client-context.js';
import { MediaIconButton } from './MediaIcon.js';
import { useTransferProgress } from './media-files.dom.js';
import { percent } from './media-format.js';

/**
 * A file still moving, on either side: a bar, the percentage, and a button that cancels it (a relay upload
 * or download stops; a direct transfer stops at both ends, and the other side shows it cancelled).
 */
export function TransferProgress({ info }: { info: FileInfo }) {
  const client = useClient();
  const progress = useTransferProgress(info.messageId);
  const [cancelling, setCancelling] = useState(false);
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

/** What a file that stopped says instead of its progress. */
export function transferEnding(info: FileInfo): string | undefined {
  if (info.state === 'cancelled') {
    if (info.cancelledBy === 'local') return 'You cancelled it';
    return info.direction === 'send' ? 'Cancelled by the recipient' : 'Cancelled by the sender';
  }
  if (info.state === 'failed') return 'Transfer failed';
  return undefined;
}
