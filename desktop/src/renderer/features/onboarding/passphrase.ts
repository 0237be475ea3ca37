/** The shortest passphrase accepted for the keys on this device (new identity or linked device alike). */
export const MIN_PASSPHRASE = 8;
