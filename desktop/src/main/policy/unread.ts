/** The tray tooltip and badge text for an unread count: nothing at zero, "99+" past 99. */
export function unreadBadge(count: number): { readonly badge: string; readonly tooltip: string } {
  if (!Number.isFinite(count) || count <= 0) return { badge: '', tooltip: 'Parley' };
  const whole = Math.floor(count);
  const badge = whole > 99 ? '99+' : String(whole);
  return { badge, tooltip: `Parley — ${whole} unread` };
}
