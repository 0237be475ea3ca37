import { describe, expect, it } from 'vitest';
import { InMemoryEngineStateStore } from '../shared/state-store.js';
import { FileRecords } from './file-records.js';

describe('file records', () => {
  it('remembers a file message with its thumbnail and voice data, and where its transfer stands', async () => {
    const records = new FileRecords(new InMemoryEngineStateStore());
    const thumbnail = new Uint8Array([255, 216, 255, 0, 1, 2]);
    await records.put({
      messageId: 'm1',
      direction: 'receive',
      name: 'voice.webm',
      mimeType: 'audio/webm',
      size: 40_000,
      thumbnail,
      voice: { durationMs: 2_500, waveform: [0, 0.5, 1] },
      state: 'transferring',
    });
    expect(await records.get('m1')).toEqual({
      messageId: 'm1',
      direction: 'receive',
      name: 'voice.webm',
      mimeType: 'audio/webm',
      size: 40_000,
      thumbnail,
      voice: { durationMs: 2_500, waveform: [0, 0.5, 1] },
      state: 'transferring',
    });
    expect(await records.setState('m1', 'complete')).toBe(true);
    expect((await records.get('m1'))?.state).toBe('complete');
  });

  it('knows nothing of a message that announced no file', async () => {
    const records = new FileRecords(new InMemoryEngineStateStore());
    expect(await records.get('text-message')).toBeUndefined();
    expect(await records.setState('text-message', 'failed')).toBe(false);
  });
});
