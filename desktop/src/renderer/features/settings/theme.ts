/** The colour theme the person chose: the system's (default), or always light, or always dark. */
export type ThemeChoice = 'system' | 'light' | 'dark';

export const THEME_CHOICES: readonly { readonly value: ThemeChoice; readonly label: string }[] = [
  { value: 'system', label: 'System default' },
  { value: 'light', label: 'Light' },
  { value: 'dark', label: 'Dark' },
];

/** localStorage key: a preference of this device, not of the account, so it is not in the client database. */
export const THEME_KEY = 'parley.theme.v1';

/** A stored value read back; anything unknown (or nothing) follows the system. */
export function parseTheme(raw: string | null | undefined): ThemeChoice {
  return raw === 'light' || raw === 'dark' ? raw : 'system';
}

/** The root's `data-theme` for a choice: none when following the system (theme.css's media query decides). */
export function themeAttribute(choice: ThemeChoice): 'light' | 'dark' | undefined {
  return choice === 'system' ? undefined : choice;
}
