/**
 * Sets `key` as the newest entry of an insertion-ordered map that holds at most `max` entries, and returns the
 * key it evicted to stay there (the oldest), if any. For what a peer can fill with ids of its choosing.
 */
export function setNewest<K, V>(map: Map<K, V>, key: K, value: V, max: number): K | undefined {
  map.delete(key);
  map.set(key, value);
  if (map.size <= max) return undefined;
  const oldest = map.keys().next();
  if (oldest.done === true) return undefined;
  map.delete(oldest.value);
  return oldest.value;
}
