import { describe, expect, it } from 'vitest';
import { unreadBadge } from './unread.js';

describe('unread badge', () => {
  it('shows nothing when everything is read', () => {
    expect(unreadBadge(0)).toEqual({ badge: '', tooltip: 'Parley' });
    expect(unreadBadge(Number.NaN)).toEqual({ badge: '', tooltip: 'Parley' });
  });

  it('shows the count, capped at 99+', () => {
    expect(unreadBadge(7)).toEqual({ badge: '7', tooltip: 'Parley — 7 unread' });
    expect(unreadBadge(1234).badge).toBe('99+');
  });
});
