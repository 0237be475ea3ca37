/**
 * Linked devices (issue 15): each account's current signed device list, as published (JSON), with its
 * counter apart so a lower one is refused without parsing. One row per account; a new list replaces it.
 */
export const sql = `
CREATE TABLE device_lists (
  account TEXT PRIMARY KEY,
  counter INTEGER NOT NULL,
  signature TEXT NOT NULL,
  list TEXT NOT NULL
) WITHOUT ROWID;
`;
