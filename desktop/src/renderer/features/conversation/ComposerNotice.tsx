import type { Conversation } from '@parley/core';
import { useRegistry } from '../../app/registry-context.js';
import './composer-notice.css';

/** The first sentence a feature gives for why this conversation cannot be written to, if any. */
export function useComposerNotice(conversation: Conversation): string | undefined {
  let notice: string | undefined;
  // Every hook runs on every render, in the registry's fixed order (the rules of hooks).
  for (const hook of useRegistry().composerNotices) notice ??= hook(conversation) ?? undefined;
  return notice;
}

/** Where the composer would be: the reason, centred, and nothing to type into. */
export function ComposerNotice({ text }: { text: string }) {
  return (
    <footer className="composer-notice">
      <p role="status">{text}</p>
    </footer>
  );
}
