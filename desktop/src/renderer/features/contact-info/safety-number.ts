import type { VerificationState } from '@parley/core';

export const SAFETY_NUMBER_BLOCKS = 12;
const BLOCK = 5;

/**
 * A safety number as people compare it: 60 digits in 12 blocks of five. Accepts the digits with or without
 * spaces; anything else is refused rather than shown half right.
 */
export function safetyNumberBlocks(digits: string): string[] {
  const plain = digits.replace(/\s+/gu, '');
  if (!/^\d+$/u.test(plain) || plain.length !== SAFETY_NUMBER_BLOCKS * BLOCK) {
    throw new Error(`a safety number is ${SAFETY_NUMBER_BLOCKS * BLOCK} digits`);
  }
  const blocks: string[] = [];
  for (let at = 0; at < plain.length; at += BLOCK) blocks.push(plain.slice(at, at + BLOCK));
  return blocks;
}

/** What the conversation shows about this contact's key: nothing, or the warning when a verified key changed. */
export function keyChangeWarning(state: VerificationState | undefined, name: string): string | undefined {
  return state === 'changed' ? `Your safety number with ${name} changed.` : undefined;
}

/** The line under the "Mark as verified" switch. */
export function verificationLine(state: VerificationState | undefined, name: string): string {
  switch (state) {
    case 'verified':
      return `You verified ${name}'s safety number.`;
    case 'changed':
      return `${name}'s safety number changed since you verified it. Compare it again, then mark as verified.`;
    default:
      return `Compare these numbers with ${name} in person or on a call, or scan their code, then mark as verified.`;
  }
}
