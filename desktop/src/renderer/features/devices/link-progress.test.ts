import { describe, expect, it } from 'vitest';
import { LINK_PAYLOAD_PREFIX, ParleyError, parseLinkPayload } from '@parley/core';
import { linkErrorText, payloadErrorText, percent, phaseText } from './link-progress.js';

/** What parseLinkPayload throws for `text`, as the onboarding form would show it. */
function refusal(text: string, now = 0): string {
  try {
    parseLinkPayload(text, now);
  } catch (error) {
    return payloadErrorText(error);
  }
  throw new Error('accepted');
}

describe('link progress', () => {
  it('counts the history in whole percent, never past 100', () => {
    expect(percent(0, 10_000)).toBe(0);
    expect(percent(4_999, 10_000)).toBe(49);
    expect(percent(10_000, 10_000)).toBe(100);
    expect(percent(10_002, 10_000)).toBe(100);
    expect(percent(0, 0)).toBe(0);
  });

  it('tells each side what to do while the codes are compared', () => {
    expect(phaseText('comparing', 'existing')).toMatch(/same code/);
    expect(phaseText('comparing', 'new')).toMatch(/confirm there/);
  });

  it('says what is wrong with a pasted payload, and where a good one comes from', () => {
    expect(refusal('https://example.com/')).toMatch(
      /^That is not a Parley device link\. .*Link a new device/u,
    );
    expect(refusal(`${LINK_PAYLOAD_PREFIX}v=1&relay=nope`)).toBe(
      'That device link is incomplete or damaged. Copy it again from your other device.',
    );
    expect(refusal(`${LINK_PAYLOAD_PREFIX}v=1&v=1`)).toMatch(/incomplete or damaged/u);
    expect(payloadErrorText(new ParleyError('CHALLENGE_EXPIRED', 'expired'))).toMatch(
      /expired\. Show a new one/u,
    );
  });

  it('names why a link attempt stopped in words for the person, not the engine', () => {
    expect(linkErrorText(new ParleyError('ACCESS_DENIED', 'the existing device declined the link'))).toBe(
      'Your other device declined the link.',
    );
    expect(linkErrorText(new ParleyError('UNAVAILABLE', 'not connected'))).toMatch(/not connected/u);
    expect(linkErrorText(new Error('socket closed'))).toBe('Linking did not work: Socket closed.');
  });
});
