import { describe, expect, it } from 'vitest';
import { avatarBytesFromText } from './avatar-text.js';

describe('group avatar text', () => {
  it('reads the bytes of a data: URL, as the web UI stores a group picture', () => {
    expect(avatarBytesFromText('data:image/png;base64,iVBORw0KGgo=')).toEqual(
      Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    );
  });

  it('reads unpadded base64url too', () => {
    expect(avatarBytesFromText('iVBORw0KGgo')).toEqual(
      Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    );
  });

  it('gives nothing for an empty or unreadable picture instead of failing the chat list', () => {
    expect(avatarBytesFromText(undefined)).toBeUndefined();
    expect(avatarBytesFromText('')).toBeUndefined();
    expect(avatarBytesFromText('data:text/html;base64,PGI+')).toBeUndefined();
    expect(avatarBytesFromText('not base64 at all!')).toBeUndefined();
  });
});
