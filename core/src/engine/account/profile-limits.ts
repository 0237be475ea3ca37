/*
 * Profile limits alone, without profile.ts's imports: the web client's first screen checks an avatar against
 * them before core is loaded.
 */

/** The avatar rides inside an end-to-end encrypted message, so it must stay small. */
export const MAX_AVATAR_BYTES = 48 * 1024;
export const MAX_DISPLAY_NAME_LENGTH = 64;
