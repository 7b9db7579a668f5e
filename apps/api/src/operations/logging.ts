import { RequestMethod } from '@nestjs/common';
import type { Params } from 'nestjs-pino';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { Options } from 'pino-http';
import type { OperationsConfig } from '../config/configuration';
import { REQUEST_ID_HEADER, requestIdFrom } from './request-id';

interface LoggedRequest extends IncomingMessage {
  /** Set by JwtAuthGuard once the bearer token is checked. */
  user?: { id?: string };
  /** Express: the matched route and the router path it was mounted on. */
  route?: { path?: unknown };
  baseUrl?: string;
  originalUrl?: string;
}

/** Probes and scrapes are not requests worth a line each. */
const QUIET_PATHS = new Set(['/api/health/live', '/api/health/ready', '/api/metrics']);

/**
 * The matched route's template (`/api/chats/:id/messages`), never the raw URL with its ids and
 * query; `null` when no route matched (an unknown path, the web app's files).
 */
export function routeOf(req: IncomingMessage): string | null {
  const { route, baseUrl } = req as LoggedRequest;
  return typeof route?.path === 'string' ? `${baseUrl ?? ''}${route.path}` : null;
}

/**
 * nestjs-pino / pino-http settings. One line per request when it completes: method, route
 * template, status, duration, the user once authenticated, and the request id (the caller's
 * X-Request-Id or a new one, returned in the response's header; every line the request logs
 * carries it). No headers, bodies or URLs are logged, so no token, password or message content
 * can be; `redact` also removes them should a line ever carry a request or response object.
 * JSON lines, except with NODE_ENV=development: pino-pretty when it is installed.
 */
export function loggingParams(config: OperationsConfig): Params {
  const pinoHttp: Options = {
    level: config.logLevel,
    genReqId: (req: IncomingMessage, res: ServerResponse) => {
      const id = requestIdFrom(req.headers['x-request-id']);
      res.setHeader(REQUEST_ID_HEADER, id);
      return id;
    },
    quietReqLogger: true,
    quietResLogger: true,
    customAttributeKeys: { reqId: 'requestId' },
    autoLogging: {
      ignore: (req) =>
        QUIET_PATHS.has(((req as LoggedRequest).originalUrl ?? '').split('?')[0] ?? ''),
    },
    customLogLevel: (_req, res, error) =>
      error || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info',
    customSuccessMessage: (req, res) =>
      `${req.method ?? ''} ${routeOf(req) ?? '(no route)'} ${res.statusCode}`,
    customErrorMessage: (req, res) =>
      `${req.method ?? ''} ${routeOf(req) ?? '(no route)'} ${res.statusCode}`,
    customSuccessObject: (req, res, value: { responseTime?: number }) =>
      requestLine(req, res, value),
    // The error itself is logged where it is mapped (common/error-mapping.ts), without values.
    customErrorObject: (req, res, _error, value: { responseTime?: number }) =>
      requestLine(req, res, value),
    redact: {
      paths: [
        'req.headers.authorization',
        'req.headers.cookie',
        'req.body',
        'res.headers["set-cookie"]',
        'password',
        'token',
        'content',
      ],
      censor: '[redacted]',
    },
    ...(config.nodeEnv === 'development' && prettyAvailable()
      ? { transport: { target: 'pino-pretty', options: { singleLine: true } } }
      : {}),
  };
  return {
    pinoHttp,
    forRoutes: [{ path: '{*path}', method: RequestMethod.ALL }],
  };
}

function requestLine(req: IncomingMessage, res: ServerResponse, value: { responseTime?: number }) {
  const { user } = req as LoggedRequest;
  return {
    method: req.method,
    route: routeOf(req),
    status: res.statusCode,
    durationMs: value.responseTime,
    ...(user?.id ? { userId: user.id } : {}),
  };
}

/** Asked of Node at run time (a bundled require.resolve would always succeed). */
function prettyAvailable(): boolean {
  try {
    createRequire(join(process.cwd(), 'noop.js')).resolve('pino-pretty');
    return true;
  } catch {
    return false;
  }
}
