/**
 * Where the Redis store's keys go. On a single node every key simply starts with the prefix. On a Cluster a
 * Lua script may only touch keys of one hash slot, so keys carry hash tags: the keys of one owner (an
 * identity's prekeys, bundle, presence and admission; an OTP address; an invite) get the owner's own tag and
 * spread over the shards, while the keys that scripts spanning several identities change together (blobs,
 * inboxes, notices, quotas, attachments, usernames) share the deployment's tag and so one slot.
 */
export interface KeySpace {
  /** Prefix of the keys that multi-identity scripts touch together. */
  readonly shared: string;
  /** Prefix of the keys of one owner; a script about that owner alone is routed by it. */
  of(owner: string): string;
}

export function singleNodeKeys(prefix: string): KeySpace {
  return { shared: prefix, of: () => prefix };
}

/**
 * `parley:` → shared `{parley}:`, owner keys `parley:{<owner>}:`. A prefix that already has a hash tag keeps
 * everything in that tag's slot, as whoever chose it asked.
 */
export function clusterKeys(prefix: string): KeySpace {
  if (/\{[^}]+\}/.test(prefix)) return singleNodeKeys(prefix);
  // A brace in the owner would end the tag early (or leave it empty, which hashes the whole key).
  const tag = (owner: string) => owner.replace(/[{}]/g, '_') || '_';
  return { shared: `{${prefix.replace(/:$/, '')}}:`, of: (owner) => `${prefix}{${tag(owner)}}:` };
}
