/**
 * How people are listed and searched, in one place for GET /api/users and
 * GET /api/chats/:id/members (contract "Size"): ordered by fullName (case-insensitively)
 * then login, and `search` matches a prefix of the login or of the fullName,
 * case-insensitively. Both are byte-ordered ("C") expressions so that the indexes of the
 * organization-size migration serve the order, the keyset cursor and the prefix match alike.
 */

/** The sort key of user alias `u`, as ix_users_name_order holds it. */
export const userOrder = (u: string) => `lower(${u}.full_name) COLLATE "C", ${u}.login COLLATE "C"`;

/** The same key as a row value, for keyset comparisons against a cursor. */
export const userOrderKey = (u: string) =>
  `(lower(${u}.full_name) COLLATE "C", ${u}.login COLLATE "C")`;

/** SQL true when user alias `u` matches the search parameter (pass searchPattern's value). */
export const userMatches = (u: string, param: string) =>
  `(${u}.login COLLATE "C" LIKE lower(${param}) OR lower(${u}.full_name) COLLATE "C" LIKE lower(${param}))`;

/** The LIKE pattern for a search text, or null when there is nothing to search for. */
export function searchPattern(search: string | undefined): string | null {
  const text = search?.trim() ?? '';
  return text === '' ? null : `${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}
