import { describe, expect, it } from 'vitest';
import { formatBytes, formatDuration, mediaKind, percent, typeLabel } from './media-format.js';

describe('file sizes and durations as bubbles show them', () => {
  it('shows sizes in the largest unit that keeps the number readable', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(812)).toBe('812 B');
    expect(formatBytes(1536)).toBe('1.5 KB');
    expect(formatBytes(50 * 1024 * 1024)).toBe('50 MB');
    expect(formatBytes(2 * 1024 ** 3)).toBe('2.0 GB');
    expect(formatBytes(-1)).toBe('');
  });

  it('shows durations as minutes and seconds, with hours only when needed', () => {
    expect(formatDuration(0)).toBe('0:00');
    expect(formatDuration(7_900)).toBe('0:07');
    expect(formatDuration(65_000)).toBe('1:05');
    expect(formatDuration(3_723_000)).toBe('1:02:03');
  });

  it('gives whole percents of a transfer, never beyond 0–100', () => {
    expect(percent(0, 100)).toBe(0);
    expect(percent(50, 100)).toBe(50);
    expect(percent(99.9, 100)).toBe(99);
    expect(percent(200, 100)).toBe(100);
    expect(percent(0, 0)).toBe(100);
  });
});

describe('what kind of bubble a file gets', () => {
  it('draws images, videos and voice notes as media and anything else as a file card', () => {
    expect(mediaKind('image/jpeg', false)).toBe('image');
    expect(mediaKind('image/svg+xml', false)).toBe('file'); // never rendered as an image
    expect(mediaKind('video/mp4', false)).toBe('video');
    expect(mediaKind('audio/webm', true)).toBe('voice');
    expect(mediaKind('audio/mpeg', false)).toBe('audio');
    expect(mediaKind('application/pdf', false)).toBe('file');
  });

  it('labels a file card by its extension, or its type', () => {
    expect(typeLabel('report.final.pdf', 'application/pdf')).toBe('PDF');
    expect(typeLabel('archive', 'application/zip')).toBe('ZIP');
    expect(typeLabel('.bashrc', 'application/octet-stream')).toBe('FILE');
    expect(typeLabel('<img src=x>.weird-extension', '')).toBe('FILE');
  });
});
