import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ConfigType, registerAs } from '@nestjs/config';

const int = (value: string | undefined, fallback: number) =>
  value === undefined || value === '' ? fallback : Number(value);

export function parseDuration(value: string): number {
  const unit = value.at(-1) ?? '';
  const factor = { s: 1, m: 60, h: 3600, d: 86400 }[unit];
  return factor ? Number(value.slice(0, -1)) * factor : Number(value);
}

export const appConfig = registerAs('app', () => {
  const dataDir = resolve(process.env['DATA_DIR'] || '.data');
  return {
    nodeEnv: process.env['NODE_ENV'] ?? 'development',
    port: int(process.env['PORT'], 3000),
    dataDir,
    /** Empty: same-origin only. */
    corsOrigins: (process.env['CORS_ORIGINS'] ?? '')
      .split(',')
      .map((o) => o.trim())
      .filter(Boolean),
    webDir: resolve(process.env['WEB_DIR'] || join(__dirname, '..', 'web', 'browser')),
    redisUrl: process.env['REDIS_URL'] || null,
    /** How long a user whose last socket closed may take to come back before peers hear offline. */
    presenceGraceMs: int(process.env['PRESENCE_GRACE_MS'], 2000),
    /** Sockets in `batched` presence mode get at most one `presence:batch` per this interval. */
    presenceBatchMs: int(process.env['PRESENCE_BATCH_MS'], 1000),
    /** Express `trust proxy`: which proxies may set X-Forwarded-For. */
    trustProxy: process.env['TRUST_PROXY'] || 'loopback',
  };
});

/** main.ts starts the embedded PostgreSQL and sets DATABASE_URL when it was unset. */
export const databaseConfig = registerAs('database', () => ({
  url: process.env['DATABASE_URL'] ?? '',
}));

export const authConfig = registerAs('auth', () => ({
  jwtSecret:
    process.env['JWT_SECRET'] || developmentSecret(resolve(process.env['DATA_DIR'] || '.data')),
  tokenTtlSeconds: parseDuration(process.env['TOKEN_TTL'] || '12h'),
  bcryptCost: int(process.env['BCRYPT_COST'], 10),
  failedLoginLimit: int(process.env['RATE_LIMIT_LOGIN'], 10),
  failedLoginWindowMs: 15 * 60 * 1000,
  registrationLimit: int(process.env['RATE_LIMIT_REGISTER'], 30),
  registrationWindowMs: 60 * 60 * 1000,
}));

export const messagesConfig = registerAs('messages', () => ({
  ratePerSecond: int(process.env['MESSAGE_RATE'], 10),
  burst: int(process.env['MESSAGE_BURST'], 60),
  /** Group-commit transactions in flight at once (MessageWriter). */
  writeLanes: int(process.env['MESSAGE_WRITE_LANES'], 1),
}));

export type AppConfig = ConfigType<typeof appConfig>;
export type DatabaseConfig = ConfigType<typeof databaseConfig>;
export type AuthConfig = ConfigType<typeof authConfig>;
export type MessagesConfig = ConfigType<typeof messagesConfig>;

/**
 * Outside production a missing JWT_SECRET is generated once and kept in the data folder,
 * so tokens survive a restart.
 */
function developmentSecret(dataDir: string): string {
  const file = join(dataDir, 'jwt-secret');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(48).toString('base64url');
  writeFileSync(file, secret, { mode: 0o600 });
  return secret;
}
