/** A round picture, or the name's initials on a colour derived from the account when there is no picture. */
export function Avatar({
  name,
  seed,
  image,
  size = 40,
}: {
  name: string;
  seed: string;
  image?: string | undefined;
  size?: number;
}) {
  const dimension = { width: size, height: size };
  if (image !== undefined) return <img className="avatar" src={image} alt="" style={dimension} />;
  return (
    <span
      className={`avatar avatar-initials avatar-hue-${hueIndex(seed)}`}
      aria-hidden="true"
      style={{ ...dimension, fontSize: size * 0.4 }}
    >
      {initials(name)}
    </span>
  );
}

export function initials(name: string): string {
  const words = name
    .trim()
    .split(/\s+/u)
    .filter((word) => word !== '');
  const letters = words
    .map((word) => [...word].find((char) => /[\p{L}\p{N}]/u.test(char)))
    .filter((char): char is string => char !== undefined)
    .slice(0, 2);
  return letters.length === 0 ? '?' : letters.join('').toUpperCase();
}

export function hueIndex(seed: string): number {
  let hash = 0;
  for (const char of seed) hash = (hash * 31 + (char.codePointAt(0) ?? 0)) >>> 0;
  return hash % 8;
}

/**
 * The seed of a person's avatar colour: their account (the same string as their direct conversation's id),
 * so the colour is the same on every device that shows them, their own included.
 */
export function personSeed(account: string): string {
  return `direct:${account}`;
}
