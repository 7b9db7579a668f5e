import { createHmac, randomBytes } from 'node:crypto';

export type Claims = Record<string, unknown>;

const HASH_BY_ALG: Readonly<Record<string, string>> = {
  HS256: 'sha256',
  HS384: 'sha384',
  HS512: 'sha512',
};

const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

export function decodeClaims(token: string): Claims {
  const part = token.split('.')[1] ?? '';
  return JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Claims;
}

/** A JWT with this header and these claims, HMAC-signed with `secret` (`hmacAlg` picks the hash). */
export function signJwt(
  claims: Claims,
  secret: string,
  options: { alg?: string; hmacAlg?: string; header?: Claims } = {},
): string {
  const alg = options.alg ?? 'HS256';
  const header = { alg, typ: 'JWT', ...options.header };
  const unsigned = `${encode(header)}.${encode(claims)}`;
  const hash = HASH_BY_ALG[options.hmacAlg ?? alg] ?? 'sha256';
  return `${unsigned}.${createHmac(hash, secret).update(unsigned).digest('base64url')}`;
}

/** `alg: none` (any spelling), with an empty signature. */
export function unsignedJwt(claims: Claims, alg = 'none'): string {
  return `${encode({ alg, typ: 'JWT' })}.${encode(claims)}.`;
}

export const nowSeconds = () => Math.floor(Date.now() / 1000);

export const randomSecret = () => randomBytes(32).toString('hex');
