import { useEffect, useRef, useState, type ReactNode } from 'react';
import { Button } from './Button.js';
import { FormError } from './FormError.js';
import './confirm-action.css';

/**
 * The body of a "really do this?" dialog: the question, then Cancel and the action, which is drawn as
 * dangerous. The action runs once at a time (its button is disabled while it runs); when it succeeds the
 * dialog closes, when it fails the dialog stays with `describeError`'s sentence as an alert, to try again or
 * cancel. Cancel has the focus (see below); the Modal around it closes on Escape.
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
  const body = useRef<HTMLDivElement>(null);

  // The Modal focuses its first button, Cancel, when it opens. A body that renders later (a group's state
  // still loading) finds the focus on the dialog itself instead, and moves it to Cancel, the safe choice.
  useEffect(() => {
    const dialog = body.current?.closest('[role="dialog"]');
    if (dialog !== null && dialog !== undefined && document.activeElement === dialog)
      body.current?.querySelector('button')?.focus();
  }, []);

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
    <div className="confirm-action" ref={body}>
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
