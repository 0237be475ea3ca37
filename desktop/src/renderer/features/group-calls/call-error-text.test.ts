import { ParleyError } from '@parley/core';
import { describe, expect, it } from 'vitest';
import { callErrorText } from './call-error-text.js';

describe('what a failed group call says', () => {
  it('tells a refused ticket from a relay without a call server', () => {
    expect(callErrorText(new ParleyError('AUTH_FAILED', 'token expired'))).toMatch(
      /refused this device’s ticket/,
    );
    expect(callErrorText(new ParleyError('UNAVAILABLE', 'this relay runs no SFU'))).toMatch(/no call server/);
  });

  it('falls back to the app’s sentences for the rest', () => {
    expect(callErrorText(new ParleyError('RATE_LIMITED', 'slow down'))).toMatch(/^Too many requests/);
  });
});
