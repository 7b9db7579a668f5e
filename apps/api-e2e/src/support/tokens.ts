import { createHmac, randomBytes } from 'node:crypto';
import { E2E_ENV } from './e2e-state';

const HMAC_BY_ALG: Record<string, string> = { HS256: 'sha256', HS384: 'sha384', HS512: 'sha512' };

function decodePart(part: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Record<string, unknown>;
}

function encodePart(value: Record<string, unknown>): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

/** Re-signs a JWT's claims (changed by `edit`) with `secret`, keeping its header. */
function resign(
  token: string,
  secret: string,
  edit: (claims: Record<string, unknown>) => Record<string, unknown>,
): string {
  const [headerPart, claimsPart] = token.split('.');
  if (headerPart === undefined || claimsPart === undefined) throw new Error('not a JWT');
  const header = decodePart(headerPart);
  const hash = HMAC_BY_ALG[String(header['alg'])];
  if (!hash) throw new Error(`cannot re-sign a ${String(header['alg'])} token`);
  const unsigned = `${headerPart}.${encodePart(edit(decodePart(claimsPart)))}`;
  const signature = createHmac(hash, secret).update(unsigned).digest('base64url');
  return `${unsigned}.${signature}`;
}

/**
 * The same token, expired an hour ago, signed with the API's real secret (global setup chose it):
 * the only thing wrong with it is its age.
 */
export function expiredCopy(token: string): string {
  const secret = process.env[E2E_ENV.jwtSecret];
  if (!secret) throw new Error(`${E2E_ENV.jwtSecret} is not set`);
  const now = Math.floor(Date.now() / 1000);
  return resign(token, secret, (claims) => ({ ...claims, iat: now - 7200, exp: now - 3600 }));
}

/** The same claims signed with a secret the API does not know. */
export function forgedCopy(token: string): string {
  return resign(token, randomBytes(32).toString('hex'), (claims) => claims);
}
