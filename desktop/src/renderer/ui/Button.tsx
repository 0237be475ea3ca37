import type { ButtonHTMLAttributes, ReactNode } from 'react';
import { Icon, type IconName } from './Icon.js';

type NativeButton = Omit<ButtonHTMLAttributes<HTMLButtonElement>, 'children'>;

export function Button({
  variant = 'primary',
  children,
  className,
  type = 'button',
  ...rest
}: NativeButton & { variant?: 'primary' | 'secondary' | 'danger'; children: ReactNode }) {
  return (
    <button type={type} className={`button button-${variant} ${className ?? ''}`} {...rest}>
      {children}
    </button>
  );
}

/** A round icon-only button; `label` is its accessible name and tooltip. */
export function IconButton({
  icon,
  label,
  className,
  type = 'button',
  ...rest
}: NativeButton & { icon: IconName; label: string }) {
  return (
    <button
      type={type}
      className={`icon-button ${className ?? ''}`}
      aria-label={label}
      title={label}
      {...rest}
    >
      <Icon name={icon} />
    </button>
  );
}
