export interface StatusUpdate {
  readonly statusId: string;
  readonly author: string;
  readonly text?: string;
  /** base64url image bytes (small: the thumbnail rides inside the message). */
  readonly image?: string;
  /** Background colour of a text status, `#rrggbb`. */
  readonly background?: string;
  readonly postedAt: number;
  readonly expiresAt: number;
  /** Accounts that viewed it (own statuses only). */
  readonly viewedBy: readonly string[];
  /** Who it was sent to (own statuses only): whom a deletion must reach. */
  readonly audience?: readonly string[];
  /** This device's person opened it (received statuses only; `markViewed` sets it). */
  readonly seen?: boolean;
}
