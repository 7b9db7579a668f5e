import type { AuthResult } from '@chat/shared-types';
import { randomBytes } from 'node:crypto';

/** A registered user: who it is, the password it registered with and an access token. */
export interface TestUser {
  id: string;
  login: string;
  fullName: string;
  password: string;
  token: string;
}

/** What a test may choose when it registers a user; the rest is made up. */
export interface RegisterOptions {
  login?: string;
  fullName?: string;
  password?: string;
}

/** Unique names for one project's test users (see testLogins). */
export interface TestLogins {
  /** A short random tag, unique within the run: the prefix, 8 hex digits and a counter. */
  uniqueTag: () => string;
  /** `<uniqueTag()>_<name>`, cut to the 32 characters a login may have. */
  uniqueLogin: (name?: string) => string;
}

/**
 * Tag and login makers for one project's test users: every tag starts with `prefix` (which
 * tells the projects' users apart), and `uniqueLogin()` uses `defaultName` when given no name.
 */
export function testLogins(prefix: string, defaultName: string): TestLogins {
  let counter = 0;
  const uniqueTag = (): string =>
    `${prefix}${randomBytes(4).toString('hex')}${(counter++).toString(36)}`;
  const uniqueLogin = (name = defaultName): string => `${uniqueTag()}_${name}`.slice(0, 32);
  return { uniqueTag, uniqueLogin };
}

/** `pw-` and `bytes` random bytes in hex. */
export function randomPassword(bytes: number): string {
  return `pw-${randomBytes(bytes).toString('hex')}`;
}

/** The TestUser a register (or login) answer describes, signed in with `password`. */
export function testUserOf(result: AuthResult, password: string): TestUser {
  return {
    id: result.user.id,
    login: result.user.login,
    fullName: result.user.fullName,
    password,
    token: result.accessToken,
  };
}

/**
 * `N` values of `T` as a tuple when `N` is a literal (`T[]` otherwise), so that
 * `const [a, b] = await registerUsers(2)` gives two users, not two maybe-users.
 */
export type Tuple<T, N extends number, R extends T[] = []> = number extends N
  ? T[]
  : R['length'] extends N
    ? R
    : Tuple<T, N, [...R, T]>;
