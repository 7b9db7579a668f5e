import { resolve } from 'node:path';
import { parseDuration, settingsFrom } from './configuration';
import { validateEnv } from './env.validation';

describe('validateEnv', () => {
  it('accepts an empty environment outside production', () => {
    expect(() => validateEnv({})).not.toThrow();
  });

  it('names every bad value', () => {
    expect(() =>
      validateEnv({
        PORT: 'eighty',
        DATABASE_URL: 'mysql://x',
        TOKEN_TTL: 'forever',
        BCRYPT_COST: '4',
      }),
    ).toThrow(/PORT[\s\S]*DATABASE_URL[\s\S]*TOKEN_TTL[\s\S]*BCRYPT_COST/);
  });

  it('requires a long JWT_SECRET in production', () => {
    expect(() => validateEnv({ NODE_ENV: 'production' })).toThrow(/JWT_SECRET/);
    expect(() => validateEnv({ NODE_ENV: 'production', JWT_SECRET: 'short' })).toThrow(/32/);
    expect(() => validateEnv({ NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(32) })).not.toThrow();
  });

  it('checks the operations settings: log level, metrics token, shutdown bound', () => {
    expect(() =>
      validateEnv({ LOG_LEVEL: 'verbose', METRICS_TOKEN: 'short', SHUTDOWN_TIMEOUT_MS: '50' }),
    ).toThrow(/LOG_LEVEL[\s\S]*METRICS_TOKEN[\s\S]*16[\s\S]*SHUTDOWN_TIMEOUT_MS/);
    expect(settingsFrom(validateEnv({ METRICS_TOKEN: '' })).operations).toEqual({
      logLevel: 'info',
      metricsToken: null,
      shutdownTimeoutMs: 10_000,
    });
    const set = validateEnv({
      LOG_LEVEL: 'warn',
      METRICS_TOKEN: 't'.repeat(16),
      SHUTDOWN_TIMEOUT_MS: '3000',
    });
    expect(settingsFrom(set).operations).toEqual({
      logLevel: 'warn',
      metricsToken: 't'.repeat(16),
      shutdownTimeoutMs: 3000,
    });
  });

  it('reads durations as seconds', () => {
    expect(parseDuration('90')).toBe(90);
    expect(parseDuration('30m')).toBe(1800);
    expect(parseDuration('12h')).toBe(43200);
    expect(parseDuration('7d')).toBe(604800);
  });

  it("gives README's defaults for an empty environment, and an empty number its default", () => {
    const { app, database, auth, messages } = settingsFrom(validateEnv({ PORT: '' }));
    expect(app).toMatchObject({
      nodeEnv: 'development',
      port: 3000,
      dataDir: resolve('.data'),
      corsOrigins: [],
      redisUrl: null,
      presenceGraceMs: 2000,
      presenceBatchMs: 1000,
      trustProxy: 'loopback',
    });
    expect(database.url).toBeNull();
    expect(auth).toMatchObject({
      jwtSecret: null,
      tokenTtlSeconds: 12 * 3600,
      bcryptCost: 10,
      failedLoginLimit: 10,
      registrationLimit: 30,
    });
    expect(messages).toEqual({
      ratePerSecond: 10,
      burst: 60,
      writeLanes: 1,
      maxGroupMembers: 1000,
    });
  });

  it('turns every variable into its typed setting', () => {
    const { app, database, auth, messages } = settingsFrom(
      validateEnv({
        PORT: '8080',
        DATA_DIR: '/srv/chat',
        CORS_ORIGINS: 'http://a.example, https://b.example',
        DATABASE_URL: 'postgres://db/chat',
        REDIS_URL: 'redis://cache:6379',
        TRUST_PROXY: 'uniquelocal',
        TOKEN_TTL: '30m',
        BCRYPT_COST: '12',
        RATE_LIMIT_LOGIN: '5',
        RATE_LIMIT_REGISTER: '7',
        PRESENCE_GRACE_MS: '0',
        PRESENCE_BATCH_MS: '250',
        MESSAGE_RATE: '3',
        MESSAGE_BURST: '9',
        MESSAGE_WRITE_LANES: '4',
        MAX_GROUP_MEMBERS: '200',
        JWT_SECRET: 's'.repeat(32),
        NODE_ENV: 'production',
      }),
    );
    expect(app).toMatchObject({
      nodeEnv: 'production',
      port: 8080,
      dataDir: '/srv/chat',
      corsOrigins: ['http://a.example', 'https://b.example'],
      redisUrl: 'redis://cache:6379',
      presenceGraceMs: 0,
      presenceBatchMs: 250,
      trustProxy: 'uniquelocal',
    });
    expect(database.url).toBe('postgres://db/chat');
    expect(auth).toMatchObject({
      jwtSecret: 's'.repeat(32),
      tokenTtlSeconds: 1800,
      bcryptCost: 12,
      failedLoginLimit: 5,
      registrationLimit: 7,
    });
    expect(messages).toEqual({ ratePerSecond: 3, burst: 9, writeLanes: 4, maxGroupMembers: 200 });
  });
});
