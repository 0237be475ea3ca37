/**
 * What a browser scenario may shorten before the page loads (Playwright's addInitScript sets
 * `window.parleyTestOptions`), so "nobody answers" is tested without waiting 45 s. It only ever shortens
 * this device's own ringing, to between 1 s and the default: nothing a page script could abuse.
 */
export function testCallTimeouts(): { callTimeouts?: { ringMs: number } } {
  const options = (window as Window & { parleyTestOptions?: { callRingMs?: unknown } }).parleyTestOptions;
  const ringMs = options?.callRingMs;
  if (typeof ringMs !== 'number' || !Number.isInteger(ringMs) || ringMs < 1000 || ringMs > 45_000) return {};
  return { callTimeouts: { ringMs } };
}

/**
 * A browser scenario's "participant without the frame key" (`parleyTestOptions.groupCallWithoutFrameKeys`):
 * this device's group calls ignore the frame keys others send it, so it decodes none of their media. It only
 * ever takes this device's own ability to decrypt away: nothing a page script could abuse.
 */
export function testGroupCallWithoutFrameKeys(): boolean {
  const options = (window as Window & { parleyTestOptions?: { groupCallWithoutFrameKeys?: unknown } })
    .parleyTestOptions;
  return options?.groupCallWithoutFrameKeys === true;
}

/**
 * A browser scenario's view of a group call's frame encryption (`parleyTestOptions.groupCallE2eeProbe`): the
 * page keeps every frame key id this device was given, per participant, and the current call's transform stats
 * in `window.__parleyGroupCallE2ee`, so "the leaver's keys no longer decrypt new frames" is checked through the
 * real SFU. It only reads: key ids, never key secrets, and only when a test asked before the page loaded.
 */
export interface GroupCallE2eeProbe {
  /** Every frame key id given to this device, per participant (account), in order; kept after calls end. */
  readonly keysGiven: Record<string, number[]>;
  /** The current call's transform stats (e2ee/README.md); undefined outside a call. */
  stats?: () => Promise<unknown>;
}

export function testGroupCallE2eeProbe(): GroupCallE2eeProbe | undefined {
  const target = window as Window & {
    parleyTestOptions?: { groupCallE2eeProbe?: unknown };
    __parleyGroupCallE2ee?: GroupCallE2eeProbe;
  };
  if (target.parleyTestOptions?.groupCallE2eeProbe !== true) return undefined;
  target.__parleyGroupCallE2ee ??= { keysGiven: {} };
  return target.__parleyGroupCallE2ee;
}

/**
 * A browser scenario's leaver with a dishonest SFU (`parleyTestOptions.groupCallEavesdropAfterLeave`): when this
 * device leaves a group call, `window.__parleyGroupCallEavesdrop.start()` joins that call's room unseen (only
 * an SFU started with its test-only `observers` setting admits it) and consumes everyone with the keys the
 * device held when it left, frozen; `stats()` then gives its receivers' transform stats (frames passed and
 * dropped, key ids). Key bytes stay in the page's memory: the scenario sees ids and counts only.
 */
export interface GroupCallEavesdrop {
  /** Set once a call was left: starts eavesdropping on that call with the keys held then. */
  start?: () => Promise<void>;
  stats?: () => Promise<unknown>;
}

export function testGroupCallEavesdrop(): GroupCallEavesdrop | undefined {
  const target = window as Window & {
    parleyTestOptions?: { groupCallEavesdropAfterLeave?: unknown };
    __parleyGroupCallEavesdrop?: GroupCallEavesdrop;
  };
  if (target.parleyTestOptions?.groupCallEavesdropAfterLeave !== true) return undefined;
  target.__parleyGroupCallEavesdrop ??= {};
  return target.__parleyGroupCallEavesdrop;
}

/**
 * A browser bench's "before the worker" layout (`parleyTestOptions.attachmentCryptoInline`): this device
 * encrypts and decrypts files on the page's own thread, as the web client did before its Web Worker, so
 * bench/ui/send-thread.ts measures what the worker takes off the screen's thread. It only ever makes this
 * device slower: nothing a page script could abuse.
 */
export function testAttachmentCryptoInline(): boolean {
  const options = (window as Window & { parleyTestOptions?: { attachmentCryptoInline?: unknown } })
    .parleyTestOptions;
  return options?.attachmentCryptoInline === true;
}
