import { downscaleAvatarToFit } from './avatar-image.dom.js';

/**
 * The button that picks one's own profile picture (onboarding and Settings → Profile): the chosen image,
 * downscaled to fit MAX_AVATAR_BYTES, goes to `onPick` as a data URL; a file that is no picture to `onError`.
 */
export function ProfilePictureButton({
  label,
  onPick,
  onError,
}: {
  label: string;
  onPick: (dataUrl: string) => void;
  onError: (failure: unknown) => void;
}) {
  return (
    <label className="button button-secondary">
      {label}
      <input
        type="file"
        accept="image/*"
        className="visually-hidden"
        aria-label="Profile picture"
        onChange={(event) => {
          const file = event.target.files?.[0];
          if (file !== undefined) downscaleAvatarToFit(file).then(onPick, onError);
        }}
      />
    </label>
  );
}
