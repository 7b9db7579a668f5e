import { createHmac, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ConfigType, registerAs } from '@nestjs/config';
import { validateEnv, type EnvironmentVariables } from './env.validation';

export function parseDuration(value: string): number {
  const unit = value.at(-1) ?? '';
  const factor = ({ s: 1, m: 60, h: 3600, d: 86400 } as Record<string, number | undefined>)[unit];
  return factor ? Number(value.slice(0, -1)) * factor : Number(value);
}

/**
 * Every setting of the API, typed, from the validated environment: each default is written
 * here and nowhere else (README's configuration table lists them).
 */
export function settingsFrom(env: EnvironmentVariables) {
  return {
    app: {
      nodeEnv: env.NODE_ENV ?? 'development',
      port: env.PORT ?? 3000,
      dataDir: resolve(env.DATA_DIR || '.data'),
      /** Empty: same-origin only. */
      corsOrigins: (env.CORS_ORIGINS ?? '')
        .split(',')
        .map((o) => o.trim())
        .filter(Boolean),
      webDir: resolve(env.WEB_DIR || join(__dirname, '..', 'web', 'browser')),
      redisUrl: env.REDIS_URL ?? null,
      /** How long a user whose last socket closed may take to come back before peers hear offline. */
      presenceGraceMs: env.PRESENCE_GRACE_MS ?? 2000,
      /** Sockets in `batched` presence mode get at most one `presence:batch` per this interval. */
      presenceBatchMs: env.PRESENCE_BATCH_MS ?? 1000,
      /** Express `trust proxy`: which proxies may set X-Forwarded-For. */
      trustProxy: env.TRUST_PROXY || 'loopback',
    },
    operations: {
      /** pino level; JSON lines unless NODE_ENV=development (then pino-pretty when installed). */
      logLevel: env.LOG_LEVEL ?? 'info',
      /** Bearer token for GET /api/metrics; null: the endpoint answers 404. */
      metricsToken: env.METRICS_TOKEN || null,
      /** SIGTERM to exit: past this the process exits with code 1. */
      shutdownTimeoutMs: env.SHUTDOWN_TIMEOUT_MS ?? 10_000,
    },
    database: {
      /** Null: main.ts starts the embedded PostgreSQL and sets its URL here. */
      url: env.DATABASE_URL ?? null,
    },
    auth: {
      /** Null: generated once and kept in the data folder (see authConfig). */
      jwtSecret: env.JWT_SECRET || null,
      tokenTtlSeconds: parseDuration(env.TOKEN_TTL ?? '12h'),
      bcryptCost: env.BCRYPT_COST ?? 10,
      failedLoginLimit: env.RATE_LIMIT_LOGIN ?? 10,
      failedLoginWindowMs: 15 * 60 * 1000,
      registrationLimit: env.RATE_LIMIT_REGISTER ?? 30,
      registrationWindowMs: 60 * 60 * 1000,
    },
    messages: {
      ratePerSecond: env.MESSAGE_RATE ?? 10,
      burst: env.MESSAGE_BURST ?? 60,
      /** Group-commit transactions in flight at once (MessageWriter). */
      writeLanes: env.MESSAGE_WRITE_LANES ?? 1,
      /** Members of a group at most, its owner included (contract "Groups"). */
      maxGroupMembers: env.MAX_GROUP_MEMBERS ?? 1000,
    },
    attachments: {
      maxUploadBytes: (env.MAX_UPLOAD_MB ?? 25) * 1024 * 1024,
      /** Uploads per user per minute. */
      uploadsPerMinute: env.UPLOAD_RATE ?? 30,
      /** Bytes a user may upload per 24 hours. */
      quotaBytes: (env.UPLOAD_QUOTA_MB ?? 1024) * 1024 * 1024,
      urlTtlSeconds: parseDuration(env.ATTACHMENT_URL_TTL ?? '2h'),
      /** How often an instance tries to sweep unused uploads (one instance at a time sweeps). */
      sweepIntervalMs: env.ATTACHMENT_SWEEP_INTERVAL_MS ?? 600_000,
      /** Null: derived from the JWT secret (attachmentsConfig). */
      urlSecret: env.ATTACHMENT_URL_SECRET || null,
      /** Still accepted for URLs signed before a rotation, never used to sign. */
      previousUrlSecret: env.ATTACHMENT_URL_SECRET_PREVIOUS || null,
      /** Null: files in DATA_DIR/attachments. */
      s3: env.S3_BUCKET
        ? {
            bucket: env.S3_BUCKET,
            endpoint: env.S3_ENDPOINT || null,
            region: env.S3_REGION || 'us-east-1',
            accessKeyId: env.S3_ACCESS_KEY_ID ?? '',
            secretAccessKey: env.S3_SECRET_ACCESS_KEY ?? '',
            forcePathStyle: env.S3_FORCE_PATH_STYLE === 'true',
          }
        : null,
    },
  };
}

export type Settings = ReturnType<typeof settingsFrom>;

let validated: Settings | undefined;

/**
 * The settings this process runs with: process.env validated and typed on first use, once
 * (main.ts asks first, so a bad value stops the boot with its name before anything starts).
 * The namespaces below are its parts.
 */
export function settings(): Settings {
  validated ??= settingsFrom(validateEnv(process.env));
  return validated;
}

export const appConfig = registerAs('app', () => settings().app);

export const databaseConfig = registerAs('database', () => {
  const { url } = settings().database;
  if (!url) throw new Error('DATABASE_URL is unset and no embedded PostgreSQL was started');
  return { url };
});

export const authConfig = registerAs('auth', () => {
  const { app, auth } = settings();
  return { ...auth, jwtSecret: auth.jwtSecret ?? developmentSecret(app.dataDir) };
});

export const messagesConfig = registerAs('messages', () => settings().messages);

export const attachmentsConfig = registerAs('attachments', () => {
  const { app, auth, attachments } = settings();
  const jwtSecret = auth.jwtSecret ?? developmentSecret(app.dataDir);
  return {
    ...attachments,
    dataDir: app.dataDir,
    // A key of its own, so a leaked file URL key never signs tokens (and rotates apart from it).
    urlSecret:
      attachments.urlSecret ??
      createHmac('sha256', jwtSecret).update('attachment-urls').digest('base64url'),
  };
});

export const operationsConfig = registerAs('operations', () => ({
  ...settings().operations,
  nodeEnv: settings().app.nodeEnv,
}));

export type AppConfig = ConfigType<typeof appConfig>;
export type DatabaseConfig = ConfigType<typeof databaseConfig>;
export type AuthConfig = ConfigType<typeof authConfig>;
export type MessagesConfig = ConfigType<typeof messagesConfig>;
export type AttachmentsConfig = ConfigType<typeof attachmentsConfig>;
export type OperationsConfig = ConfigType<typeof operationsConfig>;

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
