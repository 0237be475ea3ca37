import { describe, expect, it } from 'vitest';
import { clientAddress } from './client-address.js';

describe('client address', () => {
  it('ignores X-Forwarded-For from a peer that is not a trusted proxy', () => {
    expect(clientAddress('203.0.113.9', '198.51.100.1', [])).toBe('203.0.113.9');
    expect(clientAddress('203.0.113.9', '198.51.100.1', ['10.0.0.1'])).toBe('203.0.113.9');
  });

  it('takes the right-most untrusted hop behind trusted proxies, so a client cannot forge its address', () => {
    const proxies = ['10.0.0.1', '10.0.0.2'];
    expect(clientAddress('::ffff:10.0.0.1', '198.51.100.7', proxies)).toBe('198.51.100.7');
    expect(clientAddress('10.0.0.1', 'forged, 198.51.100.7, 10.0.0.2', proxies)).toBe('198.51.100.7');
    expect(clientAddress('10.0.0.1', undefined, proxies)).toBe('10.0.0.1');
  });
});
