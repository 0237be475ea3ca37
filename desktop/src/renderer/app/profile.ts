/**
 * What the web client remembers outside the encrypted client database, in localStorage: nothing secret, only
 * what the unlock screen shows and what ParleyClient.start needs before the database is open.
 */
export interface Profile {
  readonly displayName: string;
  readonly relayUrl: string;
  /** A small downscaled image as a data: URL; shown locally (the engine does not send avatars yet). */
  readonly avatar?: string;
  readonly username?: string;
  readonly createdAt: number;
}

const KEY = 'parley.profile.v1';
export const DATABASE_NAME = 'parley';

export function loadProfile(storage: Pick<Storage, 'getItem'>): Profile | undefined {
  const raw = storage.getItem(KEY);
  if (raw === null) return undefined;
  try {
    const value = JSON.parse(raw) as Partial<Profile>;
    if (typeof value.displayName !== 'string' || typeof value.relayUrl !== 'string') return undefined;
    return {
      displayName: value.displayName,
      relayUrl: value.relayUrl,
      createdAt: typeof value.createdAt === 'number' ? value.createdAt : 0,
      ...(typeof value.avatar === 'string' && value.avatar.startsWith('data:image/')
        ? { avatar: value.avatar }
        : {}),
      ...(typeof value.username === 'string' ? { username: value.username } : {}),
    };
  } catch {
    return undefined;
  }
}

export function saveProfile(storage: Pick<Storage, 'setItem'>, profile: Profile): void {
  storage.setItem(KEY, JSON.stringify(profile));
}

export function clearProfile(storage: Pick<Storage, 'removeItem'>): void {
  storage.removeItem(KEY);
}

/** A relay URL as typed, made canonical (origin only) or rejected with a sentence the form can show. */
export function normaliseRelayUrl(input: string): string {
  let url: URL;
  try {
    url = new URL(input.trim());
  } catch {
    throw new Error('Enter the relay as a full address, like https://relay.example');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new Error('The relay address must start with https:// (or http:// on a local network)');
  if (url.username !== '' || url.password !== '')
    throw new Error('The relay address must not hold a password');
  return url.origin;
}

/**
 * Deletes this device's client database. Resolves when it is gone, or at once when a connection elsewhere
 * still blocks it (the browser deletes it once that one closes).
 */
export function deleteClientDatabase(factory: IDBFactory): Promise<void> {
  return new Promise((resolve) => {
    const request = factory.deleteDatabase(DATABASE_NAME);
    request.onsuccess = () => resolve();
    request.onerror = () => resolve();
    request.onblocked = () => resolve();
  });
}
