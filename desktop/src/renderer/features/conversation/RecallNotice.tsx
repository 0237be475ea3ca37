import { useState } from 'react';
import type { StoredMessage } from '@parley/core';
import { useAsync, useClient } from '../../app/client-context.js';
import { Button } from '../../ui/Button.js';
import { Modal } from '../../ui/Modal.js';
import './recall.css';

/**
 * A message unsent before delivery: the relay deleted its copy and signed a receipt saying so. The receipt
 * is shown on request, with the engine's check of its signature against the relay's key.
 */
export function RecallNotice({ message }: { message: StoredMessage }) {
  const [open, setOpen] = useState(false);
  if (message.recall === undefined) return null;
  return (
    <div className="recall-notice">
      <p className="bubble-text deleted-text">
        Deleted before delivery — your relay confirms it was never delivered
      </p>
      <Button variant="secondary" className="recall-receipt-button" onClick={() => setOpen(true)}>
        View receipt
      </Button>
      {open && <RecallReceiptDialog message={message} close={() => setOpen(false)} />}
    </div>
  );
}

function RecallReceiptDialog({ message, close }: { message: StoredMessage; close: () => void }) {
  const client = useClient();
  const { value: verified } = useAsync(() => client.messages.verifyRecall(message.id), [message.id]);
  const proof = message.recall;
  if (proof === undefined) return null;
  const { receipt } = proof;
  return (
    <Modal title="Relay receipt" onClose={close}>
      <p role="status" className={`recall-verdict ${verified === false ? 'bad' : 'good'}`}>
        {verified === undefined
          ? 'Checking the signature…'
          : verified
            ? 'Signature verified against the relay key'
            : 'The signature does not verify against the relay key'}
      </p>
      <dl className="recall-receipt">
        <dt>Relay</dt>
        <dd>{proof.relayUrl}</dd>
        <dt>Relay key</dt>
        <dd className="mono">{receipt.relayKey}</dd>
        <dt>Recalled at</dt>
        <dd>{new Date(receipt.recalledAt).toLocaleString()}</dd>
        <dt>Never delivered to</dt>
        <dd className="mono">{receipt.recalledFor.join(', ')}</dd>
        <dt>Stored copy</dt>
        <dd className="mono">{receipt.blobId}</dd>
        <dt>Signature</dt>
        <dd className="mono">{receipt.signature}</dd>
      </dl>
      <div className="modal-actions">
        <Button onClick={close}>Close</Button>
      </div>
    </Modal>
  );
}
