import { describe, expect, it } from 'vitest';
import type { StoredMessage } from '@parley/core';
import {
  NOTIFICATION_BODY_MAX,
  notificationBody,
  shouldNotify,
  titleWithUnread,
} from './notification-text.js';

const message = (text: string, extra: Partial<StoredMessage> = {}) =>
  ({ text, direction: 'incoming', conversationId: 'direct:a', ...extra }) as StoredMessage;

describe('notifications', () => {
  it('notifies for incoming messages unless their conversation is open on a visible page', () => {
    expect(shouldNotify(message('hi'), 'direct:a', true)).toBe(false);
    expect(shouldNotify(message('hi'), 'direct:a', false)).toBe(true);
    expect(shouldNotify(message('hi'), 'direct:b', true)).toBe(true);
    expect(shouldNotify(message('hi', { direction: 'outgoing' }), undefined, false)).toBe(false);
  });

  it('shows the text on one line, cut to a bounded length, and files by name', () => {
    expect(notificationBody(message('two\n\nlines'))).toBe('two lines');
    const long = notificationBody(message('x'.repeat(500)));
    expect([...long]).toHaveLength(NOTIFICATION_BODY_MAX);
    expect(long.endsWith('…')).toBe(true);
    expect(notificationBody(message('photo.jpg', { attachmentIds: ['a'] }))).toBe('📎 photo.jpg');
  });

  it('puts the unread count in the window title', () => {
    expect(titleWithUnread(0)).toBe('Parley');
    expect(titleWithUnread(3)).toBe('(3) Parley');
    expect(titleWithUnread(5000)).toBe('(999+) Parley');
  });
});
