import { useLive, useProfile } from './client-context.js';
import { loadProfile, type Profile } from './profile.js';

/** This person's name and picture as they are now: Settings saves to localStorage and calls localChange(). */
export function useOwnProfile(): Profile {
  const started = useProfile();
  useLive((live) => live.localVersion);
  return loadProfile(localStorage) ?? started;
}
