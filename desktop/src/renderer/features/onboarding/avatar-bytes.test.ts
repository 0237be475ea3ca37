import { MAX_AVATAR_BYTES } from '@parley/core';
import { describe, expect, it } from 'vitest';
import { bytesToDataUrl, dataUrlToBytes, fitsAvatarLimit, imageType } from './avatar-bytes.js';

const jpeg = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3, 250]);

describe('profile picture bytes', () => {
  it('round-trips a picture between a data: URL and the bytes sent to contacts', () => {
    const url = bytesToDataUrl(jpeg);
    expect(url).toBe(`data:image/jpeg;base64,${btoa(String.fromCharCode(...jpeg))}`);
    expect(dataUrlToBytes(url ?? '')).toEqual(jpeg);
  });

  it('recognises common image types and refuses other bytes', () => {
    expect(imageType(new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d]))).toBe('image/png');
    const webp = new Uint8Array([0x52, 0x49, 0x46, 0x46, 0, 0, 0, 0, 0x57, 0x45, 0x42, 0x50]);
    expect(imageType(webp)).toBe('image/webp');
    expect(bytesToDataUrl(new TextEncoder().encode('<svg onload=alert(1)>'))).toBeUndefined();
    expect(() => dataUrlToBytes('data:text/html;base64,PGI+')).toThrow(/not an image/);
  });

  it('says whether a picture is small enough to send', () => {
    const big = new Uint8Array(MAX_AVATAR_BYTES + 1);
    big.set(jpeg);
    expect(fitsAvatarLimit(bytesToDataUrl(jpeg) ?? '')).toBe(true);
    expect(fitsAvatarLimit(bytesToDataUrl(big) ?? '')).toBe(false);
  });
});
