import type { GroupCallLogEntry } from '@parley/core';
import { formatDuration } from '../calls/call-line-text.js';

/** "Group call · 12:05", started by `startedBy` (a name, or "You"). */
export function describeGroupCallLine(entry: GroupCallLogEntry, startedBy: string): string {
  return `Group call started by ${startedBy} · ${formatDuration(Math.max(0, entry.endedAt - entry.startedAt))}`;
}
