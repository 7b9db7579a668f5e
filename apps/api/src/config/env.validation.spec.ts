import { parseDuration } from './configuration';
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

  it('reads durations as seconds', () => {
    expect(parseDuration('90')).toBe(90);
    expect(parseDuration('30m')).toBe(1800);
    expect(parseDuration('12h')).toBe(43200);
    expect(parseDuration('7d')).toBe(604800);
  });
});
