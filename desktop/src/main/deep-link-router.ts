import type { ContactLinkPayload } from '../ipc/channels.js';
import { parseDeepLink } from './policy/deep-link.js';

export interface DeepLinkSink {
  contact(link: ContactLinkPayload): void;
  rejected(reason: string): void;
}

const MAX_PENDING = 16;

/**
 * Routes `parley://` links from argv, `second-instance` and `open-url` to the renderer. Links that arrive
 * before the renderer listens (the one that launched the app, typically) wait until it takes them; the
 * newest 16 are kept. Rejected links are reported so the user learns why nothing happened.
 */
export class DeepLinkRouter {
  private pending: ContactLinkPayload[] = [];
  private sink: DeepLinkSink | undefined;

  receive(url: string): void {
    const result = parseDeepLink(url);
    if (!result.ok) {
      this.sink?.rejected(result.reason);
      return;
    }
    if (this.sink !== undefined) {
      this.sink.contact(result.contact);
      return;
    }
    this.pending.push(result.contact);
    if (this.pending.length > MAX_PENDING) this.pending.shift();
  }

  /** The renderer is listening: hand over what waited, and deliver later links at once. */
  takePending(sink: DeepLinkSink): ContactLinkPayload[] {
    this.sink = sink;
    const pending = this.pending;
    this.pending = [];
    return pending;
  }

  /** The renderer reloaded or closed: queue again until it asks. */
  detach(): void {
    this.sink = undefined;
  }
}
