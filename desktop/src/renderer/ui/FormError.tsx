import type { KeyboardEvent } from 'react';

/** What went wrong, as the sentence a person reads (ui/error-text.ts), announced as an alert; nothing when fine. */
export function FormError({ message }: { message: string | undefined }) {
  if (message === undefined) return null;
  return (
    <p role="alert" className="form-error">
      {message}
    </p>
  );
}

/** A pasted-link textarea's Enter submits its form (Shift+Enter still breaks the line). */
export function submitOnEnter(event: KeyboardEvent<HTMLTextAreaElement>): void {
  if (event.key === 'Enter' && !event.shiftKey) {
    event.preventDefault();
    event.currentTarget.form?.requestSubmit();
  }
}
