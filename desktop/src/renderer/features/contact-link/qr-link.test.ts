import { describe, expect, it } from 'vitest';
import { contactLinkFromQr } from './qr-link.js';

const bytes = (text: string) => new TextEncoder().encode(text);

describe('contact link from a QR code', () => {
  it('reads the parley:// link a contact QR code holds', () => {
    const link = 'parley://contact?a=abc&r=http%3A%2F%2F127.0.0.1%3A3000&n=Alice';
    expect(contactLinkFromQr(bytes(` ${link}\n`))).toBe(link);
  });

  it('says clearly when the code holds something else', () => {
    for (const other of ['https://example.org', '12345 67890', '']) {
      expect(() => contactLinkFromQr(bytes(other))).toThrow(
        'That QR code does not hold a Parley contact link',
      );
    }
    expect(() => contactLinkFromQr(Uint8Array.from([0xff, 0xfe, 0x00]))).toThrow(
      'That QR code does not hold a Parley contact link',
    );
  });
});
