/** Who a request or socket acts as, established once from a verified token and its session. */
export interface AuthenticatedUser {
  id: string;
  login: string;
  fullName: string;
  sessionId: string;
  /** Token expiry, epoch seconds. */
  expiresAt: number;
}
