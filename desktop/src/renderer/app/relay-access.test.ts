import { describe, expect, it } from 'vitest';
import { otpAddressFrom, relayAccessOptions } from './relay-access.js';

const typed = (input: Partial<{ invite: string; otpAddress: string; code: string }>) => ({
  invite: '',
  otpAddress: '',
  code: '',
  ...input,
});

describe('relay access from the onboarding form', () => {
  it('asks nothing of an open relay', () => {
    expect(relayAccessOptions('open', typed({ invite: 'ignored' }))).toEqual({});
  });

  it('presents the invite token as pasted, without surrounding spaces', () => {
    expect(relayAccessOptions('invite', typed({ invite: '  tok-123 \n' }))).toEqual({
      access: { invite: 'tok-123' },
    });
    expect(() => relayAccessOptions('invite', typed({ invite: '  ' }))).toThrow(/paste your invite token/);
  });

  it('presents a six-digit code with the phone number or e-mail it was sent to', () => {
    expect(relayAccessOptions('otp', typed({ otpAddress: '+44 7700 900123', code: '123 456' }))).toEqual({
      access: { otp: { channel: 'sms', address: '+447700900123', code: '123456' } },
    });
    expect(relayAccessOptions('otp', typed({ otpAddress: 'ann@example.org', code: '000111' }))).toEqual({
      access: { otp: { channel: 'email', address: 'ann@example.org', code: '000111' } },
    });
    expect(() => relayAccessOptions('otp', typed({ otpAddress: 'ann@example.org', code: '12345' }))).toThrow(
      /6-digit code/,
    );
  });

  it('explains what a phone number must look like', () => {
    expect(() => otpAddressFrom('07700 900123')).toThrow(/country code/);
    expect(otpAddressFrom(' +1 (555) 010-9999 ')).toEqual({ channel: 'sms', address: '+15550109999' });
  });
});
