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

export interface FirstUsersQuery {
  /** What to select of user alias `u` (userOrder's columns included). */
  columns: string;
  /** `users u`, possibly joined. */
  from: string;
  /** Conditions every listed user meets (ANDed). */
  where: string[];
  /** The parameter holding searchPattern's value, or null to list without a search. */
  pattern: string | null;
  /** The parameter (or number) of how many to list. */
  limit: string;
}

/**
 * SQL for the first users by userOrder that meet `where` and, with a pattern, match it: by a
 * prefix of the full name (a range of ix_users_name_order, read in order) or of the login (a
 * range of ix_users_login_prefix, sorted), the two merged. As one condition
 * (`login LIKE … OR name LIKE …`) no index range serves it, and PostgreSQL walked the name
 * order from its start filtering every row: 60 ms for "z" among 100,000 users (W6).
 */
export function firstUsers(query: FirstUsersQuery): string {
  const read = (match: string | null) =>
    `SELECT ${query.columns} FROM ${query.from}
      WHERE ${['true', ...query.where, ...(match ? [match] : [])].join(' AND ')}
      ORDER BY ${userOrder('u')} LIMIT ${query.limit}`;
  if (query.pattern === null) return read(null);
  const byName = read(`lower(u.full_name) COLLATE "C" LIKE lower(${query.pattern})`);
  const byLogin = read(`u.login COLLATE "C" LIKE lower(${query.pattern})`);
  return `SELECT * FROM ((${byName}) UNION (${byLogin})) u
           ORDER BY ${userOrder('u')} LIMIT ${query.limit}`;
}

/** The LIKE pattern for a search text, or null when there is nothing to search for. */
export function searchPattern(search: string | undefined): string | null {
  const text = search?.trim() ?? '';
  return text === '' ? null : `${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}
