import { useEffect, useState } from 'react';
import type { CallQuality } from '@parley/core';
import { useClient } from '../../app/client-context.js';
import { qualityBars, qualityLabel, qualityLevel } from './call-quality-text.js';

/** How often the indicator reads the call's stats: rates are over the time since the previous reading. */
const POLL_MS = 2000;

/**
 * Signal bars for the call's connection, with the route (direct or relayed through TURN) and the figures as
 * its accessible label and tooltip. Polls only while `active`: a getStats before DTLS connects breaks
 * Chromium's fingerprint check (call-peer.ts).
 */
export function QualityIndicator({ callId, active }: { callId: string; active: boolean }) {
  const client = useClient();
  const [quality, setQuality] = useState<CallQuality | undefined>(undefined);
  useEffect(() => {
    if (!active) return;
    let stopped = false;
    const read = () =>
      client.calls.quality(callId).then(
        (reading) => {
          if (!stopped) setQuality(reading);
        },
        // The call ended between two readings: the screen changes with it.
        () => undefined,
      );
    void read();
    const timer = setInterval(() => void read(), POLL_MS);
    return () => {
      stopped = true;
      clearInterval(timer);
    };
  }, [client, callId, active]);
  if (!active || quality === undefined) return null;
  const level = qualityLevel(quality);
  const label = qualityLabel(quality);
  const lit = qualityBars(level);
  return (
    <div
      className={`call-quality call-quality-${level ?? 'unknown'}`}
      role="img"
      aria-label={label}
      title={label}
    >
      {[1, 2, 3].map((bar) => (
        <span key={bar} className={`call-quality-bar ${bar <= lit ? 'call-quality-lit' : ''}`} />
      ))}
      <span className="call-quality-route">
        {quality.route === 'relay' ? 'Relayed' : quality.route === 'direct' ? 'Direct' : ''}
      </span>
    </div>
  );
}
