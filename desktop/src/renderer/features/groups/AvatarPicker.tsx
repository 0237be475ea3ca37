import { useId, useState } from 'react';
import { Avatar } from '../../ui/Avatar.js';
import { groupAvatarFrom } from './group-avatar.dom.js';
import { errorText } from '../../ui/error-text.js';
import { FormError } from '../../ui/FormError.js';

/**
 * The group picture: the current one (or initials), and a file button to pick another, downscaled before
 * `onPick` receives it. Disabled while `busy`.
 */
export function AvatarPicker({
  name,
  seed,
  image,
  label,
  onPick,
  busy = false,
  size = 96,
}: {
  name: string;
  seed: string;
  image: string | undefined;
  label: string;
  onPick: (dataUrl: string) => void;
  busy?: boolean;
  size?: number;
}) {
  const inputId = useId();
  const [error, setError] = useState<string | undefined>();
  return (
    <div className="group-avatar-picker">
      <label htmlFor={inputId} className={`group-avatar-label ${busy ? 'busy' : ''}`} title={label}>
        <Avatar name={name === '' ? '?' : name} seed={seed} image={image} size={size} />
        <span className="group-avatar-caption">{label}</span>
      </label>
      <input
        id={inputId}
        className="visually-hidden"
        type="file"
        accept="image/*"
        aria-label={label}
        disabled={busy}
        onChange={(event) => {
          const file = event.target.files?.[0];
          event.target.value = '';
          if (file === undefined) return;
          setError(undefined);
          groupAvatarFrom(file).then(onPick, (failure: unknown) =>
            setError(errorText(failure, 'Reading the picture')),
          );
        }}
      />
      <FormError message={error} />
    </div>
  );
}
