/** GET /api/users query. Query values arrive as strings. */
export interface ListUsersQuery {
  /** `true`: only users with no direct chat with the caller yet. */
  available?: boolean | 'true' | 'false';
  search?: string;
  limit?: number | string;
}
