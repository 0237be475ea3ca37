import type { CallServers } from './call-servers.js';

export interface StartupSteps<W> {
  readonly callServers: CallServers;
  /** The relays allowed when the app starts. */
  readonly relayOrigins: readonly string[];
  /** Creates the window and loads the app (resolves once the page is loaded). */
  openWindow(): Promise<W>;
  /** Reloads the page, so it loads under the current CSP. */
  reload(window: W): void;
}

/**
 * Opens the window without waiting for the network: the relays are asked for their call servers while the page
 * loads, under the policy the last run learned (a slow or unreachable relay no longer delays first paint).
 * Their answers are applied only once the page has loaded, so the loaded page's policy is known; when they
 * allow a server that page cannot reach (a relay started announcing an SFU since the last run), the page is
 * reloaded once to widen its CSP. Returns the window, and a promise for that background step.
 */
export async function openWindowThenLearnCallServers<W>(
  steps: StartupSteps<W>,
): Promise<{ window: W; learned: Promise<{ widened: boolean }> }> {
  const asking = steps.callServers.ask(steps.relayOrigins); // in flight while the window loads
  const window = await steps.openWindow();
  const learned = (async () => {
    const result = await steps.callServers.apply(await asking);
    if (result.widened) steps.reload(window);
    return result;
  })();
  return { window, learned };
}
