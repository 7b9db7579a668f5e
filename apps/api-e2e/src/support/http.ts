import type { ApiError, ErrorCode } from '@chat/shared-types';
import request from 'supertest';
import type { Response } from 'supertest';
import { E2E_ENV } from './e2e-state';

export function baseUrl(): string {
  const url = process.env[E2E_ENV.baseUrl];
  if (!url) throw new Error(`${E2E_ENV.baseUrl} is not set: run through the api-e2e Jest config`);
  return url;
}

/** A supertest client bound to the running API. */
export function api(): ReturnType<typeof request> {
  return request(baseUrl());
}

export function bearer(token: string): { Authorization: string } {
  return { Authorization: `Bearer ${token}` };
}

/** Asserts a REST error answer: the status and exactly the ApiError body. */
export function expectApiError(res: Response, status: number, error: ErrorCode): ApiError {
  expect({ status: res.status, body: res.body as unknown }).toEqual({
    status,
    body: { statusCode: status, error, message: expect.any(String) },
  });
  return res.body as ApiError;
}

/** A 400 `invalid` whose message names the offending field. */
export function expectInvalid(res: Response, field: string): ApiError {
  const body = expectApiError(res, 400, 'invalid');
  expect(body.message).toMatch(new RegExp(`\\b${field}\\b`));
  return body;
}
