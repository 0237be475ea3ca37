/*
 * Message ids are namespaced by their sender: an id starts with the first characters of its author's account
 * name (the identity string of its key), so an id in Bob's namespace can only come from Bob and nobody can
 * send a message under an id Bob will use. Group ids are made the same way, so a group id commits to the key
 * of the account that created the group.
 */

/** 20 base58 characters: about 117 bits of the account's key, more than a brute-force search can match. */
export const ID_NAMESPACE_LENGTH = 20;

/** Ids made before namespacing (32 hex digits): still accepted, so queued messages of older versions arrive. */
const LEGACY_ID = /^[0-9a-f]{32}$/;

export function idNamespace(account: string): string {
  return account.slice(0, ID_NAMESPACE_LENGTH);
}

/** A new id in `account`'s namespace; `random` is a fresh random id (EngineContext.newId). */
export function namespacedId(account: string, random: string): string {
  return `${idNamespace(account)}${random}`;
}

/** Whether `account` may author a message with this id: one in its namespace, or one of the old form. */
export function mayUseId(account: string, id: string): boolean {
  return id.startsWith(idNamespace(account)) || LEGACY_ID.test(id);
}

/** Whether `id` (a group id, say) was made by `account`: it is in that account's namespace. */
export function isCreatedBy(id: string, account: string): boolean {
  return id.length > ID_NAMESPACE_LENGTH && id.startsWith(idNamespace(account));
}
