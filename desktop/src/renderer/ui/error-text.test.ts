import { describe, expect, it } from 'vitest';
import { ParleyError } from '@parley/core';
import { asSentence, errorText } from './error-text.js';

describe('errorText', () => {
  it('says what a known code means in a sentence', () => {
    expect(errorText(new ParleyError('UNAVAILABLE', 'relay unavailable'))).toBe(
      'Your relay cannot be reached right now. Try again when you are back online.',
    );
    expect(errorText(new ParleyError('ACCESS_DENIED', 'not a member'))).toBe(
      'You are not allowed to do that.',
    );
  });

  it('turns a raw lower-case message into a sentence after what was being done', () => {
    expect(errorText(new Error('socket closed'), 'Sending the message')).toBe(
      'Sending the message did not work: Socket closed.',
    );
    expect(errorText('boom')).toBe('That did not work: Boom.');
    expect(errorText(new Error(''))).toBe('That did not work.');
  });

  it('keeps a message already written for a person', () => {
    expect(errorText(new Error('No QR code found in that picture'))).toBe('No QR code found in that picture');
  });

  it('explains a browser permission refusal', () => {
    expect(errorText(new DOMException('Permission denied', 'NotAllowedError'))).toMatch(
      /^Parley is not allowed to use that\./u,
    );
  });
});

describe('asSentence', () => {
  it('capitalises and ends with a full stop once', () => {
    expect(asSentence(' not a member  of this group ')).toBe('Not a member of this group.');
    expect(asSentence('Done!')).toBe('Done!');
  });
});
