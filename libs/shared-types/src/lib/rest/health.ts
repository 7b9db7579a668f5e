/** GET /api/health: 200 when the database is up, 503 otherwise. */
export interface HealthStatus {
  status: 'ok' | 'error';
  db: 'up' | 'down';
  redis: 'up' | 'down' | 'off';
}
