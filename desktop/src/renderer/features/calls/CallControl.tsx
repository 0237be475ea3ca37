import { CallIcon, type CallIconName } from './icons.js';

/** A round call-screen button: its label is its accessible name and tooltip. */
export function CallControl({
  icon,
  label,
  tone = 'plain',
  onClick,
}: {
  icon: CallIconName;
  label: string;
  /** `pressed`: a control that is on (muted, camera off, sharing); `accept` green; `danger` red. */
  tone?: 'plain' | 'pressed' | 'accept' | 'danger';
  onClick: () => void;
}) {
  return (
    <button
      type="button"
      className={`call-button ${tone === 'plain' ? '' : `call-${tone}`}`}
      aria-label={label}
      title={label}
      onClick={onClick}
    >
      <CallIcon name={icon} />
    </button>
  );
}
