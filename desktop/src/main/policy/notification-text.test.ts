import { describe, expect, it } from 'vitest';
import { notificationText } from './notification-text.js';

describe('notification text', () => {
  it('escapes markup on Linux, where notification servers would render it', () => {
    expect(notificationText('<a href="https://evil">win</a> & <img src=x>', 'linux', 200)).toBe(
      '&#60;a href=&#34;https://evil&#34;&#62;win&#60;/a&#62; &#38; &#60;img src=x&#62;',
    );
  });

  it('leaves text as is on macOS and Windows', () => {
    expect(notificationText('<b>hi</b>', 'darwin', 200)).toBe('<b>hi</b>');
    expect(notificationText('<b>hi</b>', 'win32', 200)).toBe('<b>hi</b>');
  });

  it('shortens long messages', () => {
    expect(notificationText('x'.repeat(500), 'darwin', 100)).toHaveLength(100);
  });
});
