import { describe, expect, it } from 'vitest';
import { keyChangeWarning, safetyNumberBlocks, verificationLine } from './safety-number.js';

const DIGITS = '123456789012345678901234567890123456789012345678901234567890';

describe('safety number display', () => {
  it('groups the 60 digits in 12 blocks of five, as people read them aloud', () => {
    const blocks = safetyNumberBlocks(DIGITS);
    expect(blocks).toHaveLength(12);
    expect(blocks[0]).toBe('12345');
    expect(blocks[11]).toBe('67890');
    expect(blocks.join('')).toBe(DIGITS);
  });

  it('reads the engine’s spaced form the same way', () => {
    const spaced = safetyNumberBlocks(DIGITS).join(' ');
    expect(safetyNumberBlocks(spaced)).toEqual(safetyNumberBlocks(DIGITS));
  });

  it('refuses anything that is not exactly 60 digits', () => {
    expect(() => safetyNumberBlocks(DIGITS.slice(1))).toThrow('60 digits');
    expect(() => safetyNumberBlocks(`${DIGITS.slice(1)}x`)).toThrow('60 digits');
    expect(() => safetyNumberBlocks('')).toThrow('60 digits');
  });

  it('warns in the conversation only when a verified key changed', () => {
    expect(keyChangeWarning('changed', 'Bob')).toBe('Your safety number with Bob changed.');
    expect(keyChangeWarning('verified', 'Bob')).toBeUndefined();
    expect(keyChangeWarning('unverified', 'Bob')).toBeUndefined();
    expect(keyChangeWarning(undefined, 'Bob')).toBeUndefined();
  });

  it('explains each verification state under the switch', () => {
    expect(verificationLine('verified', 'Bob')).toContain('You verified');
    expect(verificationLine('changed', 'Bob')).toContain('changed since you verified');
    expect(verificationLine('unverified', 'Bob')).toContain('Compare these numbers');
  });
});
