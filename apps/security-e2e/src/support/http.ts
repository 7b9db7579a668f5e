import { request, type IncomingHttpHeaders, type OutgoingHttpHeaders } from 'node:http';
import type { SecurityApi } from './api';

export interface HttpResult {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
  /** The parsed JSON body, or undefined when the body is not JSON. */
  body: unknown;
  /** From sending the request to the end of the answer. */
  ms: number;
}

export interface HttpOptions {
  method?: string;
  /** Sent as `Authorization: Bearer <token>` (and remembered for the log check). */
  token?: string;
  headers?: OutgoingHttpHeaders;
  /** Serialised as JSON. */
  json?: unknown;
  /** Sent as is (set the Content-Type in `headers`). */
  raw?: string | Buffer;
  /** The client address to connect from: any 127.x.y.z is this machine. */
  from?: string;
  timeoutMs?: number;
}

/**
 * One HTTP request to the API over node:http: nothing is added or normalised, the client
 * address can be chosen (the throttles count per address), and the answer is timed.
 */
export function http(
  api: SecurityApi,
  path: string,
  options: HttpOptions = {},
): Promise<HttpResult> {
  api.remember(options.token);
  const headers: OutgoingHttpHeaders = { ...options.headers };
  if (options.token !== undefined) headers['authorization'] = `Bearer ${options.token}`;
  let payload: Buffer | undefined;
  if (options.json !== undefined) {
    payload = Buffer.from(JSON.stringify(options.json));
    headers['content-type'] ??= 'application/json';
  } else if (options.raw !== undefined) {
    payload = Buffer.isBuffer(options.raw) ? options.raw : Buffer.from(options.raw);
  }
  if (payload && headers['transfer-encoding'] === undefined) {
    headers['content-length'] = payload.length;
  }

  return new Promise((resolve, reject) => {
    const started = performance.now();
    let answered = false;
    const req = request(
      {
        host: '127.0.0.1',
        port: api.port,
        path,
        method: options.method ?? (payload ? 'POST' : 'GET'),
        headers,
        localAddress: options.from,
        agent: false,
        timeout: options.timeoutMs ?? 15_000,
      },
      (res) => {
        answered = true;
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', reject);
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let body: unknown;
          try {
            body = text ? (JSON.parse(text) as unknown) : undefined;
          } catch {
            body = undefined;
          }
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            text,
            body,
            ms: performance.now() - started,
          });
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer to ${path} in time`)));
    req.on('error', (error) => {
      // A server that answers 413 may close before it has read the whole body.
      if (!answered) reject(error);
    });
    if (payload) req.end(payload);
    else req.end();
  });
}

/** `401 unauthorized`: the status and the contract's error code, for tallies. */
export function outcomeOf(res: HttpResult): string {
  const error = (res.body as { error?: unknown } | undefined)?.error;
  return typeof error === 'string' ? `${res.status} ${error}` : `${res.status}`;
}

/** True when the body is exactly an ApiError `{ statusCode, error, message }` for `status`. */
export function isApiError(res: HttpResult, status: number, code?: string): boolean {
  const body = res.body;
  if (!body || typeof body !== 'object' || Array.isArray(body)) return false;
  const keys = Object.keys(body).sort().join(',');
  const error = body as { statusCode?: unknown; error?: unknown; message?: unknown };
  return (
    res.status === status &&
    keys === 'error,message,statusCode' &&
    error.statusCode === status &&
    (code === undefined || error.error === code) &&
    typeof error.message === 'string'
  );
}

/** What a request was and what came back, for problem reports. */
export function describeExchange(request: string, res: HttpResult): string {
  const text = res.text.length > 300 ? `${res.text.slice(0, 300)}…` : res.text;
  return `${request} → ${res.status} ${text}`;
}
