import type { NestExpressApplication } from '@nestjs/platform-express';
import compression from 'compression';
import type { Request, Response } from 'express';
import helmet from 'helmet';
import { methodNotAllowed } from './common/http/method-not-allowed';
import { setUpOpenApi } from './common/openapi';
import { createValidationPipe } from './common/validation';
import type { AppConfig } from './config/configuration';
import { ChatIoAdapter } from './realtime/chat-io.adapter';
import { REDIS } from './redis/redis.module';
import { serveWebApp } from './web/web-app';

/** Large enough for a 4000-character message of 4-byte characters and its envelope. */
export const MAX_PAYLOAD_BYTES = 64 * 1024;

/** How long a browser may reuse a CORS preflight's answer (Chromium caps it at 2 h). */
export const CORS_PREFLIGHT_MAX_AGE_SECONDS = 7200;

/**
 * For clients without brotli (which `compression` prefers, at quality 4: a chat list of 220
 * chats, 337 KB of JSON, goes out as 43 KB in 1.6 ms of CPU), gzip's fastest level: 51 KB in
 * 1.3 ms, against 46 KB in 2.3 ms at its default level 6 (W6, docs/benchmarks.md).
 */
const COMPRESSION_LEVEL = 1;

/**
 * Attachment files are served with byte ranges (a video's seek) and are mostly compressed
 * already (images, archives): they go out as stored.
 */
function compressible(req: Request, res: Response): boolean {
  return !req.path.startsWith('/api/attachments/') && compression.filter(req, res);
}

/** What configureApp sets on Express's router (the `router` package), which its types omit. */
interface ExpressRouter {
  caseSensitive: boolean;
}

/**
 * Everything the API adds to a created Nest app before it listens: body limit, proxy trust,
 * security headers, CORS, response compression, the /api prefix, the web build, validation, the Socket.IO adapter
 * and Swagger. main.ts and the specs' TestApp both call it, so specs run the app users run.
 * The app must be created with `bodyParser: false` (the JSON parser is added here, with its limit).
 */
export function configureApp(app: NestExpressApplication, config: AppConfig): void {
  // One spelling per URL: `/api/Chats` is not `/api/chats`. Nest's adapter has made the app's
  // router already (case-insensitive, Express's default); routes registered later follow this.
  const express = app.getHttpAdapter().getInstance() as unknown as { router: ExpressRouter };
  express.router.caseSensitive = true;
  app.useBodyParser('json', { limit: MAX_PAYLOAD_BYTES });
  app.disable('x-powered-by');
  // Client addresses (for per-address limits) come from X-Forwarded-For only via these proxies.
  app.set('trust proxy', config.trustProxy);
  app.use(
    helmet({
      contentSecurityPolicy: {
        directives: {
          // Socket.IO connects back to this origin over ws(s).
          connectSrc: ["'self'", 'ws:', 'wss:'],
          // Swagger UI injects its styles inline.
          styleSrc: ["'self'", "'unsafe-inline'"],
          // Plain-HTTP deployments (localhost, a LAN address) must keep working.
          upgradeInsecureRequests: null,
        },
      },
    }),
  );
  app.enableCors({
    origin: config.corsOrigins.length > 0 ? config.corsOrigins : false,
    credentials: false,
    maxAge: CORS_PREFLIGHT_MAX_AGE_SECONDS,
  });
  app.use(compression({ level: COMPRESSION_LEVEL, filter: compressible }));
  app.use(methodNotAllowed);
  app.setGlobalPrefix('api');
  serveWebApp(app, config.webDir);
  app.useGlobalPipes(createValidationPipe());
  app.useWebSocketAdapter(
    new ChatIoAdapter(app, config.corsOrigins, MAX_PAYLOAD_BYTES, app.get(REDIS)),
  );

  setUpOpenApi(app);
}
