import { useId, useState } from 'react';
import { THEME_CHOICES, type ThemeChoice } from './theme.js';
import { loadTheme, saveTheme } from './theme.dom.js';
import { SettingsSection } from './settings-rows.js';

/** The colour theme: the system's, or always light or dark (remembered on this device). */
export function ChatsSection() {
  const name = useId();
  const [theme, setTheme] = useState<ThemeChoice>(loadTheme);
  return (
    <SettingsSection title="Chats">
      <fieldset className="settings-choices">
        <legend>Theme</legend>
        {THEME_CHOICES.map((option) => (
          <label key={option.value} className="settings-choice">
            <input
              type="radio"
              name={name}
              value={option.value}
              checked={theme === option.value}
              onChange={() => {
                saveTheme(option.value);
                setTheme(option.value);
              }}
            />
            {option.label}
          </label>
        ))}
      </fieldset>
    </SettingsSection>
  );
}
