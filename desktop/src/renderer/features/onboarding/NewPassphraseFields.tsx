import { useId } from 'react';
import type { KeySource } from '../../platform/key-source.dom.js';

/** The shortest passphrase accepted for the keys on this device (new identity or linked device alike). */
export const MIN_PASSPHRASE = 8;

export interface NewPassphrase {
  readonly passphrase: string;
  readonly again: string;
}

/** Why a new passphrase cannot be used, as the form shows it; undefined when it can (or none is asked). */
export function newPassphraseProblem(keys: KeySource, value: NewPassphrase): string | undefined {
  if (keys.kind !== 'passphrase') return undefined;
  if (value.passphrase.length < MIN_PASSPHRASE)
    return `Choose a passphrase of at least ${MIN_PASSPHRASE} characters`;
  if (value.passphrase !== value.again) return 'The two passphrases differ';
  return undefined;
}

/**
 * "Passphrase" and "Repeat passphrase" for the keys at rest on a device whose keys a passphrase protects
 * (a browser); nothing where the device keeps the key (desktop).
 */
export function NewPassphraseFields({
  keys,
  value,
  onChange,
}: {
  keys: KeySource;
  value: NewPassphrase;
  onChange: (value: NewPassphrase) => void;
}) {
  const ids = { pass: useId(), again: useId() };
  if (keys.kind !== 'passphrase') return null;
  return (
    <>
      <p className="hint">
        {keys.reason ?? 'Your passphrase protects your keys on this device. It cannot be recovered.'}
      </p>
      <label htmlFor={ids.pass}>Passphrase</label>
      <input
        id={ids.pass}
        type="password"
        value={value.passphrase}
        autoComplete="new-password"
        onChange={(event) => onChange({ ...value, passphrase: event.target.value })}
        required
      />
      <label htmlFor={ids.again}>Repeat passphrase</label>
      <input
        id={ids.again}
        type="password"
        value={value.again}
        autoComplete="new-password"
        onChange={(event) => onChange({ ...value, again: event.target.value })}
        required
      />
    </>
  );
}
