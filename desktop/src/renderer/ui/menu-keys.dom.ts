/**
 * Arrow keys in a `role="menu"`: Down and Up move the focus to the next or previous menu item, wrapping
 * around (WAI-ARIA menu pattern). Returns whether the key was handled, so the caller can prevent its default.
 */
export function moveMenuFocus(menu: HTMLElement | null, key: string): boolean {
  if (key !== 'ArrowDown' && key !== 'ArrowUp') return false;
  const items = [...(menu?.querySelectorAll<HTMLElement>('[role="menuitem"]') ?? [])];
  const index = items.indexOf(document.activeElement as HTMLElement);
  const step = key === 'ArrowDown' ? 1 : items.length - 1;
  items[(index + step) % items.length]?.focus();
  return true;
}
