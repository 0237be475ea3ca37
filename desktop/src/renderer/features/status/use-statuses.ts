import { useEffect, useState } from 'react';
import type { StatusUpdate } from '@parley/core';
import { useAsync, useClient, useClientVersion, useLive } from '../../app/client-context.js';
import { nextExpiry } from './status-rings.js';

const CHANGES = ['status', 'status-viewed', 'status-expired', 'status-deleted'] as const;

/**
 * Every live status (mine and my contacts'), re-read when one arrives, is viewed, expires or is deleted by
 * its author, after a local
 * change (posting, opening one), and when the next one's 24 hours are up, so it disappears on time even
 * between two engine sweeps.
 */
export function useStatuses(): readonly StatusUpdate[] | undefined {
  const client = useClient();
  const version = useClientVersion(CHANGES);
  const local = useLive((live) => live.localVersion);
  const [expiredAt, setExpiredAt] = useState(0);
  const { value } = useAsync(() => client.status.list(), [client, version, local, expiredAt]);
  useEffect(() => {
    const at = nextExpiry(value ?? [], Date.now());
    if (at === undefined) return;
    const wait = Math.min(at - Date.now() + 50, 2 ** 31 - 1);
    const timer = setTimeout(() => setExpiredAt(at), wait);
    return () => clearTimeout(timer);
  }, [value]);
  return value;
}
