import { describe, expect, it } from 'vitest';
import { parseTheme, themeAttribute } from './theme.js';

describe('theme preference', () => {
  it('remembers light and dark, and follows the system for anything else', () => {
    expect(parseTheme('dark')).toBe('dark');
    expect(parseTheme('light')).toBe('light');
    expect(parseTheme(null)).toBe('system');
    expect(parseTheme('purple')).toBe('system');
  });

  it('marks the page only when a theme is forced', () => {
    expect(themeAttribute('system')).toBeUndefined();
    expect(themeAttribute('dark')).toBe('dark');
    expect(themeAttribute('light')).toBe('light');
  });
});
