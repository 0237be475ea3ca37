import { useEffect, useState } from 'react';
import type { LinkJoin, LinkOffer, LinkPhase } from '@parley/core';
import { linkErrorText, percent, phaseText } from './link-progress.js';
import './devices.css';

export interface AttemptView {
  phase: LinkPhase;
  code?: string;
  progress?: { messages: number; total: number };
  error?: string;
}

/**
 * Follows one link attempt's events into a view model; unsubscribes when the attempt changes. Shared by
 * the existing device's panel and the new device's onboarding (types only from core: the first screen
 * stays free of it).
 */
export function useAttempt(attempt: LinkOffer | LinkJoin | undefined): AttemptView | undefined {
  const [view, setView] = useState<AttemptView | undefined>();
  useEffect(() => {
    if (attempt === undefined) return undefined;
    // The join may have shown its code before this subscribed: start from what it holds already.
    const shortCode = 'shortCode' in attempt ? attempt.shortCode : undefined;
    setView({ phase: attempt.phase, ...(shortCode === undefined ? {} : { code: shortCode }) });
    const offs = [
      attempt.on('phase', (phase) => setView((current) => ({ ...current, phase }))),
      attempt.on('code', ({ shortCode: code }) =>
        setView((current) => ({ ...(current ?? { phase: 'comparing' }), code })),
      ),
      attempt.on('progress', (progress) =>
        setView((current) => ({ ...(current ?? { phase: 'transferring' }), progress })),
      ),
      attempt.on('error', (error) =>
        setView((current) => ({ ...(current ?? { phase: 'failed' }), error: linkErrorText(error) })),
      ),
    ];
    return () => offs.forEach((off) => off());
  }, [attempt]);
  return view;
}

/** Where the attempt stands: what to do now, the short code to compare, the history's progress, a failure. */
export function AttemptStatus({ view, side }: { view: AttemptView; side: 'existing' | 'new' }) {
  return (
    <div className="link-attempt">
      <p role="status">{phaseText(view.phase, side)}</p>
      {view.code !== undefined && (
        <p className="short-code" aria-label="Short code">
          {view.code}
        </p>
      )}
      {view.progress !== undefined && (
        <label className="history-progress">
          History: {view.progress.messages} of {view.progress.total} messages
          <progress
            aria-label="History transfer"
            max={100}
            value={percent(view.progress.messages, view.progress.total)}
          />
        </label>
      )}
      {view.error !== undefined && <p role="alert">{view.error}</p>}
    </div>
  );
}
