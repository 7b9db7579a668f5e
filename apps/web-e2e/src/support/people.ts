import { randomBytes } from 'node:crypto';

export interface Person {
  login: string;
  fullName: string;
  password: string;
}

/** A person whose login no other test uses: `<prefix>.<random tag>`, the prefix their first name. */
export function person(fullName: string, loginPrefix?: string): Person {
  const first = (fullName.split(/\s+/)[0] ?? '').toLowerCase().replace(/[^a-z0-9]/g, '') || 'user';
  return {
    login: `${loginPrefix ?? first}.${randomBytes(3).toString('hex')}`,
    fullName,
    password: `pw-${randomBytes(8).toString('hex')}`,
  };
}
