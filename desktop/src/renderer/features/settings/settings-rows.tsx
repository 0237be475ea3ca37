import type { ReactNode } from 'react';
import { useId } from 'react';

// The rows every settings section is built from, apart from the panel that lists the sections (which
// imports them), so no section imports the panel.

/** A titled group of settings; its heading names it for assistive technology. */
export function SettingsSection({ title, children }: { title: string; children: ReactNode }) {
  const id = useId();
  return (
    <section className="settings-section" aria-labelledby={id}>
      <h3 id={id}>{title}</h3>
      {children}
    </section>
  );
}

/** A labelled on/off switch row with an optional explanation under it. */
export function SwitchRow({
  label,
  hint,
  checked,
  disabled,
  onChange,
}: {
  label: string;
  hint?: string;
  checked: boolean;
  disabled?: boolean;
  onChange: (checked: boolean) => void;
}) {
  const id = useId();
  return (
    <div className="settings-row">
      <div className="settings-row-text">
        <label htmlFor={id}>{label}</label>
        {hint !== undefined && <p className="hint">{hint}</p>}
      </div>
      <input
        id={id}
        type="checkbox"
        role="switch"
        className="switch"
        checked={checked}
        disabled={disabled}
        onChange={(event) => onChange(event.target.checked)}
      />
    </div>
  );
}
