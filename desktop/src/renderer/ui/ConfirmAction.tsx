import { useState, type ReactNode } from 'react';
import { Button } from './Button.js';
import { FormError } from './FormError.js';
import './confirm-action.css';

/**
 * The body of a "really do this?" dialog: the question, then Cancel and the action, which is drawn as
 * dangerous. The action runs once at a time (its button is disabled while it runs); when it succeeds the
 * dialog closes, when it fails the dialog stays with `describeError`'s sentence as an alert, to try again or
 * cancel. The Modal around it moves focus in (onto Cancel, the first button) and closes on Escape.
 */
export function ConfirmAction({
  question,
  confirmLabel,
  onConfirm,
  describeError,
  close,
}: {
  question: ReactNode;
  confirmLabel: string;
  /** The action; a rejection keeps the dialog open and shows why. */
  onConfirm: () => Promise<unknown> | void;
  /** The sentence shown for a failure (ui/error-text.ts or the feature's own). */
  describeError: (failure: unknown) => string;
  /** Closes the dialog: Cancel, and after the action succeeded. */
  close: () => void;
}) {
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);

  async function confirm() {
    setBusy(true);
    setError(undefined);
    try {
      await onConfirm();
      close();
    } catch (failure) {
      setError(describeError(failure));
      setBusy(false);
    }
  }

  return (
    <div className="confirm-action">
      <p>{question}</p>
      <FormError message={error} />
      <div className="modal-actions">
        <Button variant="secondary" onClick={close}>
          Cancel
        </Button>
        <Button variant="danger" disabled={busy} onClick={() => void confirm()}>
          {confirmLabel}
        </Button>
      </div>
    </div>
  );
}
