import { THEME_KEY, parseTheme, themeAttribute, type ThemeChoice } from './theme.js';

export function loadTheme(): ThemeChoice {
  try {
    return parseTheme(localStorage.getItem(THEME_KEY));
  } catch {
    return 'system';
  }
}

/** Sets `data-theme` on <html>: theme.css switches its colour variables on it. */
export function applyTheme(choice: ThemeChoice): void {
  const attribute = themeAttribute(choice);
  if (attribute === undefined) delete document.documentElement.dataset.theme;
  else document.documentElement.dataset.theme = attribute;
}

export function saveTheme(choice: ThemeChoice): void {
  localStorage.setItem(THEME_KEY, choice);
  applyTheme(choice);
}

/** At boot, before the first paint of any screen (onboarding included). */
export function applyStoredTheme(): void {
  applyTheme(loadTheme());
}
