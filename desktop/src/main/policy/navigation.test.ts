import { describe, expect, it } from 'vitest';
import { isAllowedNavigation, windowOpenDecision } from './navigation.js';

const APP = 'app://parley';

describe('navigation policy', () => {
  it('allows moving between pages of the app itself', () => {
    expect(isAllowedNavigation('app://parley/index.html', APP)).toBe(true);
    expect(isAllowedNavigation('app://parley/#/conversations/abc', APP)).toBe(true);
  });

  it.each([
    ['a javascript: URL', 'javascript:alert(1)'],
    ['a file:// page', 'file:///etc/passwd'],
    ['a data: page', 'data:text/html,<script>alert(1)</script>'],
    ['a blob: page', 'blob:app://parley/1234'],
    ['a website', 'https://example.com/'],
    ['another host on the app scheme', 'app://parley.evil.com/'],
    ['a look-alike host', 'app://parleyy/'],
    ['the app host with credentials', 'app://evil@parley/'],
    ['something that is not a URL', 'not a url'],
    ['an empty string', ''],
  ])('blocks %s', (_name, url) => {
    expect(isAllowedNavigation(url, APP)).toBe(false);
  });

  it('tells a dev server from a look-alike domain', () => {
    const dev = 'https://app.example.com';
    expect(isAllowedNavigation('https://app.example.com/chat', dev)).toBe(true);
    expect(isAllowedNavigation('https://app.example.evil.com/', dev)).toBe(false);
    expect(isAllowedNavigation('https://app.example.com.evil.com/', dev)).toBe(false);
    expect(isAllowedNavigation('http://app.example.com/', dev)).toBe(false);
    expect(isAllowedNavigation('https://app.example.com:8443/', dev)).toBe(false);
  });
});

describe('new windows', () => {
  it('never opens a window, but offers http(s) links to the system browser', () => {
    expect(windowOpenDecision('https://example.com/')).toEqual({ action: 'deny', openExternally: true });
    expect(windowOpenDecision('http://example.com/')).toEqual({ action: 'deny', openExternally: true });
  });

  it('does not offer other schemes to the system', () => {
    for (const url of [
      'javascript:alert(1)',
      'file:///C:/Windows/System32/calc.exe',
      'smb://host/share',
      'app://parley/',
      '::',
    ])
      expect(windowOpenDecision(url)).toEqual({ action: 'deny', openExternally: false });
  });
});
