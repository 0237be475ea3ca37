import { describe, expect, it } from 'vitest';
import { ParleyError } from '../../errors/index.js';
import { isAccessError, parseOtpAddress, parseRelayAccess, relayHttpBase } from './relay-access.js';

describe('relay access credentials typed by the user', () => {
  it('accepts an invite or a six-digit code for a phone number or e-mail address', () => {
    expect(parseRelayAccess({ invite: 'abc' })).toEqual({ invite: 'abc' });
    const otp = { channel: 'sms', address: '+441234567890', code: '012345' };
    expect(parseRelayAccess({ otp })).toEqual({ otp });
  });

  it('says what is wrong with a bad credential', () => {
    expect(() => parseRelayAccess({ invite: '' })).toThrow(ParleyError);
    expect(() => parseRelayAccess({ otp: { channel: 'email', address: 'a@b.org', code: '12345' } })).toThrow(
      /six digits/,
    );
    expect(() => parseOtpAddress({ channel: 'sms', address: '12345' })).toThrow(/E\.164/);
    expect(() => parseRelayAccess({ invite: 'x', otp: {} })).toThrow(/either an invite or a one-time code/);
  });

  it('tells access refusals apart from other failures, and finds the http base of a relay URL', () => {
    expect(isAccessError(new ParleyError('OTP_LOCKED', 'locked'))).toBe(true);
    expect(isAccessError(new ParleyError('UNAVAILABLE', 'down'))).toBe(false);
    expect(relayHttpBase('wss://relay.example/')).toBe('https://relay.example');
    expect(() => relayHttpBase('not a url')).toThrow(/not a relay URL/);
  });
});
