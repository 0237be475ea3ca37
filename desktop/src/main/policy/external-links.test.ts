import { describe, expect, it } from 'vitest';
import { externalLinkDecision } from './external-links.js';

describe('external links', () => {
  it('asks before opening an https link and shows its real host', () => {
    expect(externalLinkDecision('https://example.com/a?b=c')).toEqual({
      action: 'confirm',
      url: 'https://example.com/a?b=c',
      host: 'example.com',
    });
  });

  it('shows the punycode host of a look-alike written with a Cyrillic a', () => {
    expect(externalLinkDecision('https://exаmple.com/')).toMatchObject({
      action: 'confirm',
      host: 'xn--exmple-4nf.com',
    });
  });

  it.each([
    'javascript:alert(1)',
    'file:///C:/Windows/System32/calc.exe',
    'smb://attacker/share',
    'ms-msdt:/id PCWDiagnostic',
    'app://parley/',
    'data:text/html,hi',
    'https://example.com@evil.com/',
    'https://user:pass@example.com/',
    'not a url',
    `https://example.com/${'a'.repeat(3000)}`,
  ])('never opens %s', (url) => {
    expect(externalLinkDecision(url).action).toBe('deny');
  });
});
