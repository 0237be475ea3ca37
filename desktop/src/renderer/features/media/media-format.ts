/** Sizes, durations and kinds of files as the bubbles show them. */

const UNITS = ['KB', 'MB', 'GB', 'TB'] as const;

/** "812 B", "1.5 KB", "50 MB", "2.0 GB": one decimal below 10 units, none above. */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return '';
  if (bytes < 1000) return `${Math.round(bytes)} B`;
  let value = bytes;
  let unit: string = 'B';
  for (const next of UNITS) {
    if (value < 1000) break;
    value /= 1024;
    unit = next;
  }
  return `${value < 10 ? value.toFixed(1) : Math.round(value).toString()} ${unit}`;
}

/** "0:07", "1:05", "1:02:03" from milliseconds (rounded down to the second). */
export function formatDuration(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = String(total % 60).padStart(2, '0');
  return hours > 0 ? `${hours}:${String(minutes).padStart(2, '0')}:${seconds}` : `${minutes}:${seconds}`;
}

/** Whole percent of a transfer, 0–100 (a zero-byte file is done). */
export function percent(bytes: number, total: number): number {
  if (total <= 0) return 100;
  return Math.min(100, Math.max(0, Math.floor((bytes / total) * 100)));
}

export type MediaKind = 'image' | 'video' | 'voice' | 'audio' | 'file';

export function mediaKind(mimeType: string, voice: boolean): MediaKind {
  if (voice) return 'voice';
  if (/^image\/(png|jpeg|gif|webp|avif|bmp)$/i.test(mimeType)) return 'image';
  if (/^video\//i.test(mimeType)) return 'video';
  if (/^audio\//i.test(mimeType)) return 'audio';
  return 'file';
}

/** The short type label on a file card's icon: the extension ("PDF", "ZIP"), else from the type, else "FILE". */
export function typeLabel(name: string, mimeType: string): string {
  const dot = name.lastIndexOf('.');
  const extension = dot > 0 && dot < name.length - 1 ? name.slice(dot + 1) : '';
  if (/^[A-Za-z0-9]{1,5}$/.test(extension)) return extension.toUpperCase();
  const subtype = mimeType.split('/')[1] ?? '';
  if (/^[A-Za-z0-9]{1,5}$/.test(subtype)) return subtype.toUpperCase();
  return 'FILE';
}
