import { randomUUID } from 'node:crypto';

/** A caller's X-Request-Id is kept when it looks like an id (no spaces, quotes or controls). */
const ACCEPTED = /^[\w.:-]{1,64}$/;

export const REQUEST_ID_HEADER = 'X-Request-Id';

/** The request's id: the caller's X-Request-Id when acceptable, else a new UUID. */
export function requestIdFrom(header: string | string[] | undefined): string {
  const value = Array.isArray(header) ? header[0] : header;
  return value !== undefined && ACCEPTED.test(value) ? value : randomUUID();
}
