import { useEffect, type RefObject } from 'react';

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

/**
 * While a menu is open: its first item has the focus, and a press anywhere outside it closes it (as a
 * native menu does).
 */
export function useMenuFocusAndDismiss(menu: RefObject<HTMLElement | null>, close: () => void): void {
  useEffect(() => {
    menu.current?.querySelector<HTMLElement>('[role="menuitem"]')?.focus();
    const onDown = (event: MouseEvent) => {
      if (menu.current !== null && !menu.current.contains(event.target as Node)) close();
    };
    document.addEventListener('mousedown', onDown);
    return () => document.removeEventListener('mousedown', onDown);
  }, [menu, close]);
}
